import { chromium } from 'playwright-core';
import { startPreviewServer, CHROMIUM_ARGS, findChromium } from './tests/browser/harness.mjs';
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
const server = await startPreviewServer({ root: 'dist' });
const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 300)));
page.on('pageerror', (e) => console.log('pageerror', e.message));
page.on('worker', (w) => { console.log('worker', w.url().slice(-60)); });
await page.goto(server.url + '#latent=8&backend=wasm&projection=pca');
await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Train' && !b.disabled), null, { timeout: 60000 });
await page.getByRole('button', { name: 'Train' }).click();
for (let i = 0; i < 8; i++) {
  await page.waitForTimeout(1500);
  console.log(i, (await page.locator('.progress-head').first().innerText()).replace(/\n/g, ' '), '| notices:', (await page.locator('[role=status], [role=alert]').allInnerTexts()).join(' / ').slice(0, 300));
}
await browser.close(); await server.close();
