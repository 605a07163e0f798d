// Readers that run inside the app's page, written once for both browser suites: Playwright and
// puppeteer-core pass a function to `page.evaluate` the same way. Each is self-contained (it runs
// in the page, so it may not use anything from this module's scope).

/** Steps done so far by the first model on the page, from its progress line; null before figures. */
export function readGlobalStep() {
  const text = document.querySelector('.progress-head')?.textContent ?? '';
  const match = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/.exec(text);
  return match ? (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) : null;
}

/** A checksum of the pixels of the `index`-th decoded image; null where there is none. */
export function readDecodedChecksum(index = 0) {
  const canvas = document.querySelectorAll('canvas[aria-label="Decoded image"]')[index];
  if (!canvas) return null;
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum = (sum * 31 + data[i]) % 1_000_000_007;
  return sum;
}

/** The Backend line's text, or '' before there is one. */
export function readBackendLine() {
  return [...document.querySelectorAll('[role="status"]')].map((element) => element.textContent ?? '').find((text) => text.startsWith('Backend: ')) ?? '';
}

/** The texts of the page's notices, newest last. */
export function readNotices() {
  return [...document.querySelectorAll('.notices .notice')].map((element) => element.textContent ?? '');
}
