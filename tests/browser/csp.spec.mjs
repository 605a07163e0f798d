// The Content-Security-Policy (scripts/contentSecurityPolicy.mjs): the built page carries it in a
// <meta> and the preview server as a header, it allows no inline script and no JavaScript eval, it
// is enforced, and what only this test opens runs under it without a violation: UMAP, the
// Applications panel's tabs (the analysis, study and sweep workers), a map export and the service
// worker. Training on each backend runs under it in that backend's own tests: every test fails on a
// policy report, from the page, its workers or the service worker (see fixtures.mjs), so each
// backend is checked where it trains rather than again here.
import { test, expect } from './fixtures.mjs';
import { CONTENT_SECURITY_POLICY } from '../../scripts/contentSecurityPolicy.mjs';

/** Parses "a x y; b z" into { a: ['x', 'y'], b: ['z'] }. */
function directives(policy) {
  const result = {};
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) result[name] = sources;
  }
  return result;
}

/** Every `securitypolicyviolation` the document sees, kept where the test can read them. */
function recordViolations() {
  globalThis.cspViolations = [];
  globalThis.addEventListener('securitypolicyviolation', (event) => {
    // The enforced policies' refusals; the test server's report-only copy of the policy (see
    // fixtures.mjs) reports the same ones a second time.
    if (event.disposition !== 'enforce') return;
    globalThis.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
  });
}

/**
 * Waits until an Applications tab has done what opening it starts (its measurements, in their
 * workers): no busy line (those end in an ellipsis) and its text and figures hold still for a moment.
 */
async function tabDone(panel) {
  let last = null;
  let since = Date.now();
  await expect
    .poll(async () => {
      const text = (await panel.innerText().catch(() => '')) + (await panel.locator('output').evaluateAll((outputs) => outputs.map((o) => o.dataset.value).join('|')));
      if (text !== last) {
        last = text;
        since = Date.now();
      }
      return !text.includes('…') && Date.now() - since >= 700;
    }, { message: 'the tab finishes what opening it started', intervals: [100], timeout: 120_000 })
    .toBe(true);
}

const CSP_CONSOLE = /Content Security Policy|Content-Security-Policy|violates the following/i;

test('the built app carries a strict Content-Security-Policy and runs under it without a violation', async ({ ctx }) => {
  // The policy as served: in the page's <meta> and as a header, the header adding frame-ancestors.
  const response = await globalThis.fetch(ctx.baseUrl);
  const header = response.headers.get('content-security-policy');
  const html = await response.text();
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  expect(meta, 'the built index.html carries the current policy').toBe(CONTENT_SECURITY_POLICY);
  expect(html.indexOf('http-equiv="Content-Security-Policy"'), 'the policy comes before any script').toBeLessThan(html.indexOf('<script'));
  expect(html, 'the built page has no inline script').not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  expect(header).toBe(`${meta}; frame-ancestors 'none'`);
  const policy = directives(meta);
  expect(policy['script-src']).toContain("'wasm-unsafe-eval'");
  for (const directive of ['script-src', 'worker-src', 'default-src']) {
    expect(policy[directive], directive).not.toContain("'unsafe-inline'");
    expect(policy[directive], directive).not.toContain("'unsafe-eval'");
  }
  expect(policy['object-src']).toEqual(["'none'"]);

  test.setTimeout(5 * 60_000); // UMAP and every Applications tab's measurements
  const page = await ctx.newPage({ offline: true });
  const cspConsole = [];
  page.on('console', (message) => {
    if (CSP_CONSOLE.test(message.text())) cspConsole.push(message.text());
  });
  await page.addInitScript(recordViolations);
  await page.setViewportSize({ width: 1440, height: 960 });
  // A small dense model with an 8-D code, so UMAP has work to do and training is quick.
  await page.goto(`${ctx.baseUrl}#backend=wasm&latent=8&hidden=64&epochs=50`);
  await page.getByRole('status').filter({ hasText: /^Backend: wasm/ }).waitFor({ timeout: 120_000 });
  const train = page.getByRole('button', { name: 'Train' });
  await train.and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  await train.click();

  // UMAP in its worker, while training.
  await page.getByLabel('Projection').selectOption('umap');
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, { timeout: 120_000 });
  await expect(page.getByLabel('Projection')).toHaveValue('umap');
  // UMAP runs in its worker once it reports progress (while training, each new map restarts it,
  // so its own map may not show before the pause).
  await expect(page.locator('.projection-activity')).toHaveText(/UMAP.*\b[1-9]\d*%/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();

  // Each Applications tab, briefly (the analysis, study and sweep workers start from here).
  const region = page.getByRole('region', { name: 'Applications' });
  const tabs = await region.getByRole('tab').allInnerTexts();
  expect(tabs.length).toBeGreaterThan(3);
  for (const name of tabs) {
    const tab = region.getByRole('tab', { name: name.trim(), exact: true });
    await tab.click();
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    await tabDone(region.getByRole('tabpanel'));
  }

  // A map export: the PNG is made on a canvas and saved through a blob: link.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export map' }).click()]);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(Buffer.concat(chunks).subarray(1, 4).toString('latin1')).toBe('PNG');

  // The service worker registered and controls the page.
  await page.evaluate(() => globalThis.navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => globalThis.navigator.serviceWorker.controller !== null)).toBe(true);

  // Cross-origin isolated, so wasm may start its threads (blob: workers and their importScripts;
  // on 4 or more cores, see threadsWorthStarting in src/backends/activate.ts).
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);

  expect(await page.evaluate(() => globalThis.cspViolations)).toEqual([]);
  expect(cspConsole).toEqual([]);

  // The policy is enforced, not just present: an injected inline script is refused, and so is
  // eval in the page's own script (a blob: script, which the policy lets run; code evaluated by the
  // test itself would bypass the policy). Each refusal is reported; their console errors are expected.
  const refused = await page.evaluate(async () => {
    const inline = document.createElement('script');
    inline.textContent = 'globalThis.inlineScriptRan = true;';
    document.head.append(inline);
    const source = 'try { globalThis.evalRan = eval("1 + 1") === 2; } catch { globalThis.evalRan = false; }';
    const fromBlob = document.createElement('script');
    fromBlob.src = URL.createObjectURL(new globalThis.Blob([source], { type: 'text/javascript' }));
    await new Promise((resolve, reject) => {
      fromBlob.onload = resolve;
      fromBlob.onerror = () => reject(new Error('the blob: script did not load'));
      document.head.append(fromBlob);
    });
    return { inline: globalThis.inlineScriptRan === true, evalRan: globalThis.evalRan };
  });
  expect(refused).toEqual({ inline: false, evalRan: false });
  // Each is reported once per policy in force: the meta tag's and the header's.
  await expect
    .poll(() => page.evaluate(() => globalThis.cspViolations.map((line) => line.split(' ')[0]).sort()))
    .toEqual(['script-src', 'script-src', 'script-src-elem', 'script-src-elem']);
  // The report-only copy reports each refusal once more to the test server: those two, and no other.
  const deliberate = [];
  await expect
    .poll(() => {
      deliberate.push(...ctx.takeCspReports());
      return deliberate.map((line) => line.split(' ')[0]).sort();
    }, { message: 'the two deliberate refusals are reported' })
    .toEqual(['script-src', 'script-src-elem']);
  const watch = ctx.watchOf(page);
  watch.consoleErrors.splice(0, watch.consoleErrors.length, ...watch.consoleErrors.filter((text) => !CSP_CONSOLE.test(text)));
});
