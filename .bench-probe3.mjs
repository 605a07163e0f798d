import { chromium } from 'playwright-core';
import { startPreviewServer, CHROMIUM_ARGS, findChromium } from './tests/browser/harness.mjs';
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
for (const root of process.argv.slice(2)) {
  const server = await startPreviewServer({ root });
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(server.url + '#latent=8&backend=wasm&projection=pca');
  await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Train' && !b.disabled), null, { timeout: 60000 });
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForTimeout(4000);
  const m = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  const a = await m(); const s0 = await page.locator('.progress-head').first().innerText();
  await page.waitForTimeout(4000);
  const b = await m(); const s1 = await page.locator('.progress-head').first().innerText();
  console.log(root, 'main-thread task s in 4 s:', (b.TaskDuration - a.TaskDuration).toFixed(2), 'script', (b.ScriptDuration - a.ScriptDuration).toFixed(2), 'layout', (b.LayoutCount - a.LayoutCount), 'recalc', (b.RecalcStyleCount - a.RecalcStyleCount), '|', s0.replace(/\n/g,' '), '->', s1.replace(/\n/g,' '));
  await page.close(); await server.close();
}
await browser.close();
