// Helpers for the end-to-end tests: serve the built app, launch headless Chromium, and watch a
// page for console errors, uncaught exceptions and requests that leave the app's origin.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { CONTENT_SECURITY_POLICY_HEADER } from '../../scripts/contentSecurityPolicy.mjs';
import { findBrowser } from '../shared/findBrowser.mjs';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Where the browser posts its reports of what would break the policy (see cspReportCollector). */
export const CSP_REPORT_PATH = '/__csp-report';

/**
 * A preview-server plugin that keeps every Content-Security-Policy report the browser posts to
 * CSP_REPORT_PATH. The server sends the app's policy a second time as Report-Only with a report-uri:
 * whatever the enforced policy refuses, in the page, its workers (a worker's own violations never
 * reach the page's console or its `securitypolicyviolation` events) or the service worker, the
 * report-only copy reports here, so every test can fail on one.
 */
function cspReportCollector(reports) {
  return {
    name: 'csp-report-collector',
    configurePreviewServer(server) {
      server.middlewares.use(CSP_REPORT_PATH, (request, response) => {
        const chunks = [];
        request.on('data', (chunk) => chunks.push(chunk));
        request.on('end', () => {
          try {
            const report = JSON.parse(Buffer.concat(chunks).toString('utf8'))['csp-report'] ?? {};
            reports.push(`${report['effective-directive'] ?? report['violated-directive']} blocked ${report['blocked-uri'] || '(inline)'} at ${report['source-file'] ?? report['document-uri']}:${report['line-number'] ?? 0}`);
          } catch {
            reports.push('an unreadable report');
          }
          response.statusCode = 204;
          response.end();
        });
      });
    },
  };
}

/**
 * Serves a built app with Vite's preview server, configured by the repo's vite.config.ts (so the
 * COOP/COEP headers the app needs for threaded wasm are the real ones), on a free port.
 * @param {{ root?: string }} [options] root: the directory to serve; defaults to the repo's dist/.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} url ends with a slash.
 */
export async function startPreviewServer({ root } = {}) {
  const servedDir = resolve(root ?? join(repoRoot, 'dist'));
  if (!existsSync(join(servedDir, 'index.html'))) {
    throw new Error(`No built app at ${servedDir} (index.html missing). Run \`npm run build\` first.`);
  }
  const cspReports = [];
  const server = await preview({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: servedDir },
    plugins: [cspReportCollector(cspReports)],
    preview: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      open: false,
      headers: { 'Content-Security-Policy-Report-Only': `${CONTENT_SECURITY_POLICY_HEADER}; report-uri ${CSP_REPORT_PATH}` },
    },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('The preview server started but reported no local URL.');
  }
  return { url, cspReports, close: () => server.close() };
}

/** Launch flags for headless Chromium as root with no network, WebGL and WebGPU on SwiftShader. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--no-first-run',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

const INSTALL_HINT =
  'Install Chromium (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROMIUM_PATH to a ' +
  'Chromium or Chrome executable. Do not use `npx playwright install`: it downloads a browser.';

/** CHROMIUM_PATH if set, else /usr/bin/chromium, else `chromium` on PATH. */
export function findChromium() {
  return findBrowser({ envVar: 'CHROMIUM_PATH', paths: ['/usr/bin/chromium'], command: 'chromium', browser: 'Chromium', hint: INSTALL_HINT });
}

/** Starts headless Chromium with CHROMIUM_ARGS. Close it with `browser.close()`. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * Records what a test usually wants to be absent: console errors (from the page and its workers),
 * uncaught page errors, a renderer crash, requests to any origin other than `origin`
 * (data: and blob: URLs are fine), and same-origin requests that failed or got an HTTP error.
 * @param {import('playwright-core').Page} page
 * @param {string} origin e.g. the preview server's URL; only its origin part is used.
 */
export function watchPage(page, origin) {
  const allowedOrigin = new URL(origin).origin;
  const watch = {
    consoleErrors: /** @type {string[]} */ ([]),
    pageErrors: /** @type {string[]} */ ([]),
    foreignRequests: /** @type {string[]} */ ([]),
    failedRequests: /** @type {string[]} */ ([]),
    crashed: false,
    /** Every problem seen so far, one line each; empty when the page behaved. */
    problems() {
      return [
        ...watch.consoleErrors.map((text) => `console error: ${text}`),
        ...watch.pageErrors.map((text) => `page error: ${text}`),
        ...watch.foreignRequests.map((url) => `foreign request: ${url}`),
        ...watch.failedRequests.map((text) => `failed request: ${text}`),
        ...(watch.crashed ? ['the page crashed'] : []),
      ];
    },
    /** Throws an Error listing every problem, if there were any. */
    assertClean() {
      const problems = watch.problems();
      if (problems.length > 0) throw new Error(`page problems:\n  ${problems.join('\n  ')}`);
    },
  };

  const isForeign = (url) => {
    const { protocol, origin: requestOrigin } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return false;
    return requestOrigin !== allowedOrigin;
  };

  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url, lineNumber } = message.location();
    watch.consoleErrors.push(url ? `${message.text()} (${url}:${lineNumber})` : message.text());
  });
  page.on('pageerror', (error) => watch.pageErrors.push(error.stack ?? String(error)));
  page.on('crash', () => { watch.crashed = true; });
  page.on('request', (request) => {
    if (isForeign(request.url())) watch.foreignRequests.push(request.url());
  });
  page.on('requestfailed', (request) => {
    if (!isForeign(request.url())) {
      watch.failedRequests.push(`${request.url()} (${request.failure()?.errorText ?? 'failed'})`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !isForeign(response.url())) {
      watch.failedRequests.push(`${response.url()} (HTTP ${response.status()})`);
    }
  });
  return watch;
}
