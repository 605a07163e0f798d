// The Firefox tests run under the same runner as the Chromium ones (playwright.config.mjs), so its
// scheduler fits them into the workers' idle time; they drive Firefox with puppeteer-core. Each
// worker launches one Firefox (only when a Firefox test needs it) beside its preview server.
import { test as base } from '../browser/fixtures.mjs';
import { launchFirefox } from './firefoxDriver.mjs';

export const test = base.extend({
  firefox: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
    async ({}, use) => {
      const browser = await launchFirefox();
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
});
