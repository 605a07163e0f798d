// temporary probe: steps at first map and after a few seconds, for two builds
import { chromium } from 'playwright-core';
import { startPreviewServer, CHROMIUM_ARGS, findChromium } from './tests/browser/harness.mjs';
const roots = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
for (let round = 0; round < 2; round++) for (const root of roots) {
  const server = await startPreviewServer({ root });
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.goto(server.url + '#latent=8&backend=wasm&projection=pca');
  await page.getByRole('button', { name: 'Train' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('button[disabled]')?.textContent?.includes('Train'));
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, { timeout: 120000 });
  const atMap = await page.locator('.progress-head').first().innerText();
  const tMap = Date.now() - t0;
  await page.waitForTimeout(3000);
  const later = await page.locator('.progress-head').first().innerText();
  const backend = await page.locator('body').innerText().then((t) => (t.match(/Backend[^\n]*\n?[^\n]*/) || [''])[0]);
  console.log(root, 'map at', tMap, 'ms:', atMap.replace(/\n/g, ' '), '| +3s:', later.replace(/\n/g, ' '), '|', backend.replace(/\n/g, ' '));
  await page.close(); await server.close();
}
await browser.close();
