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

/**
 * Tables, figures, canvases, drawings and code blocks that stick out of their card (a .panel) or
 * whose own content is wider than they are: one line each, empty when everything fits.
 */
export function readOverflowingCards() {
  const found = [];
  for (const element of document.querySelectorAll('.panel table, .panel figure, .panel canvas, .panel svg, .panel pre')) {
    const card = element.parentElement?.closest('.panel');
    const box = element.getBoundingClientRect();
    if (!card || box.width === 0 || element.parentElement?.closest('svg')) continue;
    const style = window.getComputedStyle(card);
    const outer = card.getBoundingClientRect();
    const left = outer.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
    const right = outer.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
    const spill = element.scrollWidth - element.clientWidth;
    if (box.left < left - 1 || box.right > right + 1 || (element.tagName === 'TABLE' && spill > 1)) {
      const name = element.getAttribute('aria-label') ?? element.tagName.toLowerCase();
      found.push(`${name} in ${card.getAttribute('aria-label') ?? card.className}: ${Math.round(box.left)}-${Math.round(box.right)}${spill > 1 ? ` (+${spill} px of content)` : ''}, card content ${Math.round(left)}-${Math.round(right)}`);
    }
  }
  return found;
}

/**
 * Not a reader: an init script both suites run in the page before its own scripts, unless a test is
 * about offline use. The service worker's registration never completes, as on a page that has not
 * reached a quiet moment yet (see tests/browser/fixtures.mjs for why).
 */
export function holdBackServiceWorker() {
  if (globalThis.ServiceWorkerContainer) globalThis.ServiceWorkerContainer.prototype.register = () => new Promise(() => {});
}
