// The shared paths' driver (see tests/shared/paths.mjs) for a Playwright page of the Chromium suite.
import { readFileSync } from 'node:fs';

/** A `ui` for the shared paths, driving `page`. */
export function playwrightUi(page) {
  const button = (name) => page.getByRole('button', { name, exact: true });
  // The last console lines of every kind (the page's and its workers'), for a failure's message.
  const consoleLines = [];
  const keep = (message) => {
    consoleLines.push(`${message.type()}: ${message.text()}`);
    if (consoleLines.length > 30) consoleLines.shift();
  };
  page.on('console', keep);
  return {
    page,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    consoleTail: () => consoleLines.slice(),
    click: (name) => button(name).click(),
    async enabled(name) {
      const found = button(name);
      return (await found.count()) === 1 && (await found.isVisible()) && (await found.isEnabled());
    },
    mouse: page.mouse,
    keyboard: page.keyboard,
    focus: (selector) => page.focus(selector),
    box: (selector) => page.locator(selector).first().boundingBox(),
    setViewport: (width, height) => page.setViewportSize({ width, height }),
    upload: (selector, files) => page.setInputFiles(selector, files.map(({ name, mimeType, buffer }) => ({ name, mimeType: mimeType ?? 'application/octet-stream', buffer }))),
    async download(action) {
      const [file] = await Promise.all([page.waitForEvent('download'), action()]);
      return readFileSync(await file.path());
    },
    reload: () => page.reload(),
  };
}
