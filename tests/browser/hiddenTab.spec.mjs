// Training goes on while the tab is hidden (the loop runs in a worker), and on coming back the page
// says how many steps ran meanwhile.
import { test, expect } from './fixtures.mjs';
import { openApp, globalStep } from './appHelpers.mjs';

/** Make the page's document report `state` and fire visibilitychange, as the browser does on tab switches. */
function setVisibility(page, state) {
  return page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value === 'hidden' });
    document.dispatchEvent(new globalThis.Event('visibilitychange'));
  }, state);
}

test('while the tab is hidden training goes on, and coming back shows how many steps ran', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0)).toBeGreaterThan(3);
  // The page's document says it is hidden (as on a tab switch); the worker's steps keep arriving.
  await setVisibility(page, 'hidden');
  const stepHidden = await globalStep(page);
  await expect.poll(() => globalStep(page)).toBeGreaterThan(stepHidden + 2);
  await setVisibility(page, 'visible');
  await expect(page.locator('.notices')).toContainText(/While this tab was hidden, training went on: [\d,]+ steps? ran\./);
});
