// A small runner for the end-to-end tests: one preview server, one headless Chromium, every
// tests/browser/*.spec.mjs in turn.
//
// Usage: node tests/browser/run.mjs [--root DIR] [SPEC_FILE ...]
//   --root DIR  serve DIR instead of the built dist/
//   SPEC_FILE   run only these spec files (default: every tests/browser/*.spec.mjs)
//
// A spec file exports `tests`: an array of { name, run: async (ctx) => void }, where ctx is
// { browser, baseUrl, newPage(options?), watchOf(page) }. newPage() opens a page in a fresh
// browser context with watchPage() attached; after a test, any console error, page error, crash,
// foreign request or failed request on its pages fails it, unless the page was opened with
// newPage({ allowProblems: true }). On failure, a screenshot of each open page goes to test-results/.
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { launchBrowser, repoRoot, startPreviewServer, watchPage } from './harness.mjs';

/** Actions wait this long before failing, on slow machines training in the page. */
const PAGE_TIMEOUT_MS = 60_000;
/** A whole test gets this long, so a hung test fails instead of hanging the run. */
const TEST_TIMEOUT_MS = 5 * 60_000;
const specDir = join(repoRoot, 'tests', 'browser');
const resultsDir = join(repoRoot, 'test-results');

function parseArgs(argv) {
  const specFiles = [];
  let root;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = argv[++i];
    else specFiles.push(resolve(argv[i]));
  }
  if (specFiles.length === 0) {
    const found = readdirSync(specDir).filter((file) => file.endsWith('.spec.mjs')).sort();
    specFiles.push(...found.map((file) => join(specDir, file)));
  }
  return { root, specFiles };
}

async function loadTests(specFiles) {
  const tests = [];
  for (const file of specFiles) {
    const spec = await import(pathToFileURL(file).href);
    if (!Array.isArray(spec.tests)) throw new Error(`${file} does not export a \`tests\` array`);
    for (const test of spec.tests) {
      if (typeof test?.name !== 'string' || typeof test?.run !== 'function') {
        throw new Error(`${file}: each test needs a string \`name\` and an async \`run(ctx)\``);
      }
      tests.push({ ...test, name: `${basename(file, '.spec.mjs')}: ${test.name}` });
    }
  }
  return tests;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runOne(test, browser, baseUrl) {
  const opened = [];
  const watches = new Map();
  const ctx = {
    browser,
    baseUrl,
    async newPage({ allowProblems = false } = {}) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
      const watch = watchPage(page, baseUrl);
      watches.set(page, watch);
      opened.push({ context, page, watch, allowProblems });
      return page;
    },
    watchOf(page) {
      const watch = watches.get(page);
      if (!watch) throw new Error('watchOf: this page was not opened with ctx.newPage()');
      return watch;
    },
  };
  try {
    await withTimeout(test.run(ctx), TEST_TIMEOUT_MS, 'the test');
    for (const { watch, allowProblems } of opened) {
      if (!allowProblems) watch.assertClean();
    }
  } catch (error) {
    await saveScreenshots(test.name, opened);
    throw error;
  } finally {
    await Promise.all(opened.map(({ context }) => context.close().catch(() => {})));
  }
}

async function saveScreenshots(testName, opened) {
  const slug = testName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  mkdirSync(resultsDir, { recursive: true });
  await Promise.all(opened.map(({ page }, index) =>
    page.screenshot({ path: join(resultsDir, `${slug}-${index}.png`), timeout: 10_000 }).catch(() => {})));
}

function indent(text) {
  return String(text).split('\n').map((line) => `    ${line}`).join('\n');
}

async function main() {
  const { root, specFiles } = parseArgs(process.argv.slice(2));
  const tests = await loadTests(specFiles);
  if (tests.length === 0) throw new Error(`no browser tests found in ${specFiles.join(', ') || specDir}`);

  const server = await startPreviewServer({ root });
  let passed = 0;
  let failed = 0;
  try {
    const browser = await launchBrowser();
    try {
      for (const test of tests) {
        try {
          await runOne(test, browser, server.url);
          passed++;
          console.log(`ok   ${test.name}`);
        } catch (error) {
          failed++;
          console.log(`FAIL ${test.name}\n${indent(error?.stack ?? error)}`);
        }
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
  console.log(`browser tests: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(`browser tests could not run: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
