// A hand-edited link full of bad values: the page loads, says what it refused, uses the defaults
// for it, and never turns link text into markup or script.
import { test, expect } from './fixtures.mjs';
import { openApp } from './appHelpers.mjs';

test('a hostile link loads the page with defaults and a notice, and its text is never rendered as HTML', async ({ ctx }) => {
  const script = '<img src=x onerror="window.__linkScriptRan=1"><script>window.__linkScriptRan=1</script>';
  const entries = [
    ['latent', '1e309'],
    ['lr', 'NaN'],
    ['epochs', '-Infinity'],
    ['batch', '-64'],
    ['hidden', Array.from({ length: 300 }, () => '99999').join(',')],
    ['kind', script],
    [script, 'x'],
    ['seed', '3'],
    ['seed', '4'],
    ['projection', 'p'.repeat(1500)],
  ];
  const hash = `#${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  const page = await openApp(ctx, hash);
  const notices = page.locator('.notices');
  await expect(notices).toContainText('was ignored');
  await expect(notices).toContainText('more than once');
  // Defaults stand in for every refused value; the good one is kept.
  await expect(page.getByLabel('Latent size')).toHaveValue('2');
  await expect(page.getByLabel('Seed')).toHaveValue('4');
  // The script text shows as text, if at all, and nothing of it ran or became an element.
  expect(await page.evaluate(() => window.__linkScriptRan)).toBeUndefined();
  expect(await page.locator('img[src="x"], .notices script, .notices img').count()).toBe(0);
  const noticeText = await notices.innerText();
  expect(noticeText.length).toBeLessThan(4000);
  // The page still trains.
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
});
