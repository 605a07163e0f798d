// `npm run bench`: measures the built app in headless Chromium and prints one JSON object.
// Figures (all from one run, so ratios between them are fair on a noisy machine):
//   backend                  the backend the app measured and chose
//   trainImgPerSecApp        images/s of the app's training loop, wall clock, map refreshes included
//   trainImgPerSecBare       images/s of a bare tfjs trainOnBatch loop, same model, backend, browser
//   appVsBare                trainImgPerSecApp / trainImgPerSecBare
//   decodeP95Ms              95th percentile of the main-thread decode per probe move, while training
//   longestMainThreadTaskMs  longest main-thread task (Long Tasks API) while training and dragging
//   longTaskCount, longTasks  how many tasks over 50 ms, and each one as "ms after the Train click:duration ms"
//   scatterFrameMs10k        median time to draw one map frame of 10,000 points (and its p95)
//   knn5At10s, knn5At30s, knn5At60s
//                            held-out 5-NN accuracy on the map 10, 30 and 60 s after pressing Train
//   trainEnabledMs           page load (navigation start) to the moment Train is shown enabled
//   firstStepMs              Train pressed to the first training step shown in the progress line
//   backendAtStart           the backend the app guessed and started on (`backend` is where it ended)
//   scatterFrameMs70k        median time to draw 70,000 clustered points while panning (synthetic)
//   hoverMs70k               mean time of one hover hit-test among 70,000 points
//   pcaMs10k, umapMs5k       PCA of 10,000 32-D codes; UMAP of 5,000 16-D codes (fit and layout)
//   load70kMs, longestTaskDuringLoad70kMs, appScatterFrameMs70k
//                            the 70,000 Fashion-MNIST images (Debian's dataset-fashion-mnist) loaded
//                            through the file input, and the app's map frame while zooming them
//   wasmGemmGflops           best f32 GEMM rate of the wasm path, 256x784 @ 784x128 (tfjs's kernel or the
//                            engine's, alone or through the tfjs kernel; each is listed too)
//   threads                  how many threads trained in the app run (the Backend line's count)
//   engineStepMs1Thread, engineStepMsThreads, engineThreads, engineThreadScaling
//                            the threaded dense step alone in a worker of the bench page (no page work beside
//                            it), best of alternated rounds: one thread against the app's pool (section
//                            `engineThreads`)
//   trainImgPerSecApp1Thread the same app run with the link's `threads=1`; threadScaling = trainImgPerSecApp /
//                            trainImgPerSecApp1Thread (section `threads`, after `bare`)
//   relaxedSimd              whether the engine runs its relaxed-SIMD build (fused multiply-add; chosen by
//                            WebAssembly.validate); wasmGemmGflopsEngine is the build in use, and
//                            wasmGemmGflopsEnginePlainSimd the plain SIMD128 build in the same page (null when
//                            that is the one in use)
//   trainGflops              trainImgPerSecApp x the dense model's training FLOP per image (on wasm only)
//   trainShareOfGemmPeak     trainGflops / wasmGemmGflops
//   convImgPerSecCpu         images/s of the convolutional kind in the app on wasm (no GPU)
//   perKind                  per autoencoder kind: the backend the app picked, app and bare images/s
//                            (bareError where plain tfjs cannot train that kind on that backend)
//   webgpuImgPerSecApp, webglImgPerSecApp
//                            images/s of the app's loop (map refreshes included) with the backend forced
//                            by the link, timed from 2 s after its first step (shaders are compiled by then)
//   webgpuImgPerSecBare, webglImgPerSecBare
//                            the bare tfjs trainOnBatch loop on that backend, same model and batch
//   webglTrainerImgPerSecReadEachStep, webglTrainerImgPerSecReadEvery16, webglQueuedReadGain
//                            the app's Trainer alone on WebGL, its loss read every step or every 16 (as the
//                            loop reads on a GPU), and the ratio: what the queued read-back is worth there
//   webgpuAdapter            the adapter the page gets: vendor, architecture, description (null: none)
//   webgpuAppVsBare, webglAppVsBare   the two ratios; webgpuEngine: what the app trained with there
//                            ("WGSL step" for the dense default); --gpu-seconds N sets each run (default 10)
//   heapGrowthMbPer100Epochs the page's JS heap growth (after a full collection, DevTools protocol) over
//                            100 epochs of a 128-image set, after a 5-epoch warm-up run of the same model;
//                            tensorGrowthPer100Epochs the same for the page's and the worker's tensors
//   pytorchDenseImgPerSec, pytorchConvImgPerSec
//                            PyTorch training the default dense and conv models on this machine's CPU
//                            (scripts/pytorch-reference.py: best thread count, median of 3 runs of 4 s)
//   appVsPytorchDense        trainImgPerSecApp / pytorchDenseImgPerSec (null under --settings or without app)
//   appVsPytorchConv         convImgPerSecCpu / pytorchConvImgPerSec (null without the engine section)
//   pytorchSetup             torch version, the BLAS it loaded ("reference" is netlib's, several times
//                            slower than OpenBLAS) and the best thread count of each model
//   pytorchSkipped           why the four figures are null: no python3 (or $PYTHON) here imports torch
// Usage: npm run bench [-- --seconds 60] [--settings "lr=0.005&batch=64"] [--no-bare] [--no-kinds]
//                      [--kind-seconds 10] [--only app,bare]   (DIST_DIR=... benches another build folder)
// Each part of the bench is one section below: a section that fails reports `<section>Error` and
// the others still print, so a new section (new figures) can never take the old ones down.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startPreviewServer, launchBrowser, findChromium } from '../tests/browser/harness.mjs';
import { LEAK_RUN_HASH, LEAK_SET_SIZE, loadSmallSet, smallSet, trainEpochsMeasured } from '../tests/browser/leakProbe.mjs';

/** Debian's dataset-fashion-mnist: 70,000 real images for the full-size figures (skipped if absent). */
const FASHION = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(
  (name) => `/usr/share/datasets/fashion-mnist/${name}`,
);

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
/** Seconds of default-settings training in the app run; the kNN figures are read at 10, 30 and 60 s. */
const trainSeconds = Number(option('--seconds')) || 60;
const KNN_TIMES_S = [10, 30, 60];
/** The bare loop's run: long enough to be steady, short enough not to dominate the bench. */
const bareSeconds = Math.min(20, Math.max(10, trainSeconds - 10));
/** Settings as in the app's link, e.g. --settings "hidden=128,32&lr=0.005"; the defaults when absent. */
const settingsHash = option('--settings') ?? '';
const skipBare = args.includes('--no-bare');
/** Per-kind speeds (app and bare, same backend) take a few minutes; --no-kinds skips them. */
const skipKinds = args.includes('--no-kinds');
const kindSeconds = Number(option('--kind-seconds')) || 10;
/** --only app,bare runs just those sections (by name, see SECTIONS), e.g. to compare settings quickly. */
const onlySections = option('--only')?.split(',');
/** Each GPU backend's app and bare runs: short, since a software adapter (SwiftShader) is slow to start. */
const gpuSeconds = Number(option('--gpu-seconds')) || 10;
const KINDS = ['basic', 'convolutional', 'denoising', 'sparse', 'variational', 'contractive'];

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}
const round = (value, digits = 2) => (value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

async function readProgress(page) {
  return page.evaluate(() => {
    const text = document.querySelector('.progress-head')?.textContent ?? '';
    const match = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/.exec(text);
    return match ? (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) : 0;
  });
}

/**
 * Steps a second over about `seconds`, timed from one change of the progress line to a later one.
 * On a GPU backend the line moves only when the loss is read (every 16 steps or 250 ms), so on a
 * slow adapter a fixed window could open and close between two reads and count none, or catch a
 * burst and count 16 too many; timing between changes counts only steps that were read. Waits up
 * to three windows for a second change, then reports what it has (0 where nothing moved).
 */
async function stepsPerSecondBetweenReads(page, seconds) {
  const changes = [];
  const deadline = Date.now() + 3 * seconds * 1000;
  let last = await readProgress(page);
  while (Date.now() < deadline) {
    await page.waitForTimeout(50);
    const step = await readProgress(page);
    if (step === last) continue;
    last = step;
    changes.push({ step, time: Date.now() });
    if (changes.length >= 2 && changes[changes.length - 1].time - changes[0].time >= seconds * 1000) break;
  }
  if (changes.length < 2) return 0;
  const [first, end] = [changes[0], changes[changes.length - 1]];
  return (end.step - first.step) / ((end.time - first.time) / 1000);
}

/** The app's training speed for one kind: auto-measured backend, `seconds` of training. */
async function benchKindApp(browser, baseUrl, kind, seconds) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.goto(`${baseUrl}#kind=${kind}`);
  const line = page.getByRole('status').filter({ hasText: /^Backend: (webgpu|webgl|wasm|cpu)\b/ });
  await line.waitFor({ timeout: 300_000 });
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 300_000 });
  const backend = /^Backend: (\w+)/.exec(await line.innerText())[1];
  const batchSize = Number(await page.getByLabel('Batch size').inputValue());
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForTimeout(3000);
  const stepAtStart = await readProgress(page);
  const timeAtStart = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const imagesPerSecond = ((await readProgress(page)) - stepAtStart) * batchSize / ((Date.now() - timeAtStart) / 1000);
  await page.close();
  return { backend, imagesPerSecond };
}

/**
 * The app's training speed on `backend`, forced by the link (no measurement, no move), default
 * model: timed from 2 s after the first step, so compiling shaders is not in it. Null figures
 * where the app did not train there (it fell back to another backend).
 */
/** The WebGPU adapter the page gets (vendor, architecture, description), or null where none is given. */
async function webgpuAdapterInfo(browser, baseUrl) {
  const page = await browser.newPage();
  try {
    await page.goto(baseUrl);
    return await page.evaluate(async () => {
      const adapter = await globalThis.navigator.gpu?.requestAdapter();
      if (!adapter) return null;
      const info = adapter.info ?? {};
      return { vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '', isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) };
    });
  } finally {
    await page.close();
  }
}

async function benchBackendApp(browser, baseUrl, backend, seconds) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  try {
    await page.goto(`${baseUrl}#backend=${backend}${settingsHash ? `&${settingsHash}` : ''}`);
    const line = page.getByRole('status').filter({ hasText: /^Backend: (webgpu|webgl|wasm|cpu)\b/ });
    await line.waitFor({ timeout: 300_000 });
    await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 300_000 });
    const batchSize = Number(await page.getByLabel('Batch size').inputValue());
    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForFunction(() => /step [1-9]/.test(document.querySelector('.progress-head')?.textContent ?? ''), null, { timeout: 300_000 });
    await page.waitForTimeout(2000);
    const imagesPerSecond = (await stepsPerSecondBetweenReads(page, seconds)) * batchSize;
    const text = await line.innerText();
    const trainedOn = /^Backend: (\w+)/.exec(text)[1];
    return { backend: trainedOn, engine: /trained by (.+)$/.exec(text.trim())?.[1] ?? null, imagesPerSecond: trainedOn === backend ? imagesPerSecond : null };
  } finally {
    await page.close();
  }
}

/**
 * A page that records every main-thread task over 50 ms (Long Tasks API) in `window.longTasks`, and
 * in `window.startupTimes` (page clock, ms from navigation start) when Train was first shown enabled,
 * when it was pressed and when the progress line first showed a step taken.
 */
async function pageWatchingLongTasks(browser) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    // lastStep / lastStepAt: the progress line's step count and when it last changed, so a run
    // that ends before the bench does is timed to its last step, not to the bench's end.
    const times = { trainEnabled: null, trainClicked: null, firstStep: null, lastStep: 0, lastStepAt: null };
    window.startupTimes = times;
    const trainButton = () => [...document.querySelectorAll('button')].find((button) => button.textContent?.trim() === 'Train');
    const look = () => {
      const now = performance.now();
      const button = trainButton();
      if (times.trainEnabled === null && button && !button.disabled) times.trainEnabled = now;
      const progress = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/.exec(document.querySelector('.progress-head')?.textContent ?? '');
      if (progress) {
        const step = (Number(progress[1]) - 1) * Number(progress[3]) + Number(progress[2]);
        if (step !== times.lastStep) {
          times.lastStep = step;
          times.lastStepAt = now;
        }
      }
      if (times.trainClicked !== null && times.firstStep === null) {
        const match = /step (\d+) \//.exec(document.querySelector('.progress-head')?.textContent ?? '');
        const epoch = /Epoch (\d+)/.exec(document.querySelector('.progress-head')?.textContent ?? '');
        if (match && (Number(match[1]) > 0 || Number(epoch?.[1] ?? 1) > 1)) times.firstStep = now;
      }
    };
    document.addEventListener(
      'click',
      (event) => {
        if (times.trainClicked === null && event.target instanceof window.Element && event.target.closest('button')?.textContent?.trim() === 'Train') {
          times.trainClicked = performance.now();
        }
      },
      true,
    );
    new window.MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  return page;
}

/** Load 70,000 Fashion-MNIST images through the file input, then zoom the 70,000-point map. */
async function benchApp70k(browser, baseUrl) {
  if (!FASHION.every((path) => existsSync(path))) return null;
  const page = await pageWatchingLongTasks(browser);
  await page.goto(`${baseUrl}#backend=wasm&epochs=1`);
  await page.getByRole('status').filter({ hasText: /^Backend: wasm/ }).waitFor({ timeout: 120_000 });
  const loadStart = await page.evaluate(() => performance.now());
  const started = Date.now();
  await page.getByLabel('Load data files').setInputFiles(FASHION);
  await page.locator('.data-result', { hasText: /70,000 images/ }).waitFor({ timeout: 300_000 });
  const loadMs = Date.now() - started;
  const loadEnd = await page.evaluate(() => performance.now());
  const loadTasks = await page.evaluate(([from, to]) => window.longTasks.filter((t) => t.start >= from && t.start <= to), [loadStart, loadEnd]);
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, { timeout: 300_000 });
  await page.evaluate(() => window.latentExplorerMetrics.clear());
  const map = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
  await page.mouse.move(map.x + map.width / 2, map.y + map.height / 2);
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, i < 20 ? -60 : 60);
    await page.waitForTimeout(16);
  }
  const metrics = await page.evaluate(() => window.latentExplorerMetrics.snapshot());
  const frames = metrics.frameMs.filter((_, i) => metrics.framePoints[i] === 70_000);
  await page.close();
  return {
    load70kMs: loadMs,
    longestTaskDuringLoad70kMs: loadTasks.reduce((longest, task) => Math.max(longest, task.duration), 0),
    appScatterFrameMs70k: percentile(frames, 0.5),
    appScatterFrameP95Ms70k: percentile(frames, 0.95),
    appFrames70k: frames.length,
  };
}

const knnValue = async (page) => {
  const value = await page.locator('output[aria-labelledby="knn-label"]').getAttribute('data-value');
  return value ? Number(value) : null;
};

async function benchApp(browser, baseUrl, extraHash = '') {
  const page = await pageWatchingLongTasks(browser);
  await page.goto(`${baseUrl}#${[settingsHash, extraHash].filter(Boolean).join('&')}`);
  const line = page.getByRole('status').filter({ hasText: /^Backend: (webgpu|webgl|wasm|cpu)\b/ });
  await line.waitFor({ timeout: 180_000 });
  // Press Train the moment it can be pressed, as an impatient visitor would.
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 180_000 });
  const backendAtStart = /^Backend: (\w+)/.exec(await line.innerText())[1];
  const batchSize = Number(await page.getByLabel('Batch size').inputValue());

  await page.getByRole('button', { name: 'Train' }).click();
  const trainStart = await page.evaluate(() => performance.now());
  const startedAt = Date.now();
  // The kNN figure at fixed times after the click, read in the background of the drag below.
  const knnAt = {};
  const knnReads = Promise.all(
    KNN_TIMES_S.filter((seconds) => seconds <= trainSeconds).map(async (seconds) => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + seconds * 1000 - Date.now())));
      knnAt[seconds] = await knnValue(page);
    }),
  );
  await page.waitForTimeout(3000);
  const at3s = await page.evaluate(() => ({ step: window.startupTimes.lastStep, time: performance.now() }));

  // Drag the probe back and forth across the map for a while, as a teacher would.
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, { timeout: 60_000 });
  await page.evaluate(() => window.latentExplorerMetrics.clear());
  const map = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
  await page.mouse.move(map.x + map.width * 0.2, map.y + map.height * 0.2);
  await page.mouse.down();
  for (let i = 0; i < 240; i++) {
    const t = i / 240;
    await page.mouse.move(map.x + map.width * (0.2 + 0.6 * t), map.y + map.height * (0.2 + 0.6 * Math.abs(Math.sin(t * 6))));
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const metrics = await page.evaluate(() => window.latentExplorerMetrics.snapshot());

  await page.waitForTimeout(Math.max(0, startedAt + trainSeconds * 1000 - Date.now()));
  // Timed to the last step seen: with the defaults a fast machine finishes before the bench ends.
  const atEnd = await page.evaluate(() => ({ step: window.startupTimes.lastStep, time: window.startupTimes.lastStepAt }));
  const trainingEnded = /^(Done|Finished)/i.test((await page.locator('.progress-head').innerText().catch(() => '')).trim());
  await knnReads;
  const backendLine = await line.innerText();
  const backend = /^Backend: (\w+)/.exec(backendLine)[1];
  // "trained by wasm dense step, 2 threads": one thread where the line names no count.
  const threads = Number(/, (\d+) threads\b/.exec(backendLine)?.[1] ?? 1);
  const backendReports = await page.locator('.backend-reports').innerText();
  const startup = await page.evaluate(() => window.startupTimes);
  const longTasks = await page.evaluate((start) => window.longTasks.filter((task) => task.start >= start), trainStart);
  const frames = metrics.frameMs.filter((_, i) => metrics.framePoints[i] === 10_000);
  await page.close();
  return {
    backend,
    backendAtStart,
    backendReports,
    threads,
    batchSize,
    trainEnabledMs: startup.trainEnabled,
    firstStepMs: startup.firstStep !== null && startup.trainClicked !== null ? startup.firstStep - startup.trainClicked : null,
    knnAt,
    trainImgPerSecApp: ((atEnd.step - at3s.step) * batchSize) / ((atEnd.time - at3s.time) / 1000),
    trainingEndedBeforeBench: trainingEnded,
    decodeP95Ms: percentile(metrics.decodeMs, 0.95),
    decodeCount: metrics.decodeMs.length,
    longestMainThreadTaskMs: longTasks.reduce((longest, task) => Math.max(longest, task.duration), 0),
    longTaskCount: longTasks.length,
    // When each long task came (ms after the Train click) and how long it ran, to tell start-up from steady training.
    longTasks: longTasks.map((task) => `${Math.round(task.start - trainStart)}:${Math.round(task.duration)}`).join(' '),
    scatterFrameMs10k: percentile(frames, 0.5),
    scatterFrameP95Ms10k: percentile(frames, 0.95),
  };
}

/** 100 epochs of a small set on wasm after a 5-epoch warm-up run, memory measured at both ends (see leakProbe.mjs). */
async function benchLeaks(browser, baseUrl) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  const cdp = await page.context().newCDPSession(page);
  await page.goto(baseUrl + LEAK_RUN_HASH);
  await page.getByRole('status').filter({ hasText: /^Backend: wasm/ }).waitFor({ timeout: 120_000 });
  await loadSmallSet(page, smallSet('bars', LEAK_SET_SIZE), LEAK_SET_SIZE);
  const run = await trainEpochsMeasured(page, cdp);
  await page.close();
  const per100 = (growth) => (growth * 100) / run.epochs;
  return {
    heapGrowthMbPer100Epochs: round(per100(run.after.heapMb - run.before.heapMb)),
    tensorGrowthPer100Epochs: {
      page: round(per100(run.after.page - run.before.page), 1),
      worker: round(per100(run.after.worker - run.before.worker), 1),
    },
    leakRunEpochs: run.epochs,
    leakRunSeconds: round(run.seconds, 1),
  };
}

async function benchBare(browser, baseUrl, backend, seconds, extraHash = settingsHash) {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}bench.html#backend=${backend}&seconds=${seconds}${extraHash ? `&${extraHash}` : ''}`);
  await page.waitForFunction(() => window.bareBenchResult !== undefined, null, { timeout: (seconds + 120) * 1000 });
  const result = await page.evaluate(() => window.bareBenchResult);
  await page.close();
  if (result.error) throw new Error(`bare loop failed: ${result.error}`);
  return result;
}

/** f32 GEMM rates of the wasm path (tfjs's kernel and the engine's) and the settings' FLOP per image. */
async function benchGemm(browser, baseUrl) {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}bench.html#gemm&seconds=3${settingsHash ? `&${settingsHash}` : ''}`);
  await page.waitForFunction(() => window.gemmBenchResult !== undefined, null, { timeout: 120_000 });
  const result = await page.evaluate(() => window.gemmBenchResult);
  await page.close();
  if (result.error) throw new Error(`GEMM benchmark failed: ${result.error}`);
  return result;
}

async function benchMicro(browser, baseUrl) {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}bench.html#micro`);
  await page.waitForFunction(() => window.microBenchResult !== undefined, null, { timeout: 300_000 });
  const result = await page.evaluate(() => window.microBenchResult);
  await page.close();
  if (result.error) throw new Error(`micro benchmark failed: ${result.error}`);
  return result;
}

/** What the pytorch section runs; PYTHON picks the interpreter, else the first of these that imports torch. */
const PYTHON_CANDIDATES = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);

/**
 * scripts/pytorch-reference.py: PyTorch training the app's two default models on this machine's
 * CPU, best thread count. Returns its JSON, or { skipped: reason } where no candidate imports torch
 * (a version manager's python3 can hide Debian's, hence the second candidate).
 */
async function benchPytorch() {
  // Imported here so the browser sections never depend on them.
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { fileURLToPath } = await import('node:url');
  const run = promisify(execFile);
  let python = null;
  for (const candidate of [...new Set(PYTHON_CANDIDATES)]) {
    try {
      await run(candidate, ['-c', 'import torch'], { timeout: 120_000 });
      python = candidate;
      break;
    } catch {
      // Not there, or no torch in it: try the next.
    }
  }
  if (!python) return { skipped: `no ${[...new Set(PYTHON_CANDIDATES)].join(' or ')} here imports torch (Debian: apt-get install python3-torch)` };
  const script = fileURLToPath(new URL('./pytorch-reference.py', import.meta.url));
  // Each thread count from 1 to the core count is timed for both models, so many cores take minutes.
  const { stdout } = await run(python, [script], { timeout: 3_600_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

/**
 * The bench's sections, in order. Each returns some of the report's fields; one that throws adds
 * `<name>Error` instead, and the rest still run. New figures go in a new section (or a new field of
 * one), never by changing the shape of the others.
 */
const SECTIONS = [
  {
    name: 'app',
    async run({ browser, baseUrl, shared }) {
      const app = await benchApp(browser, baseUrl);
      shared.app = app;
      return {
        backend: app.backend,
        backendAtStart: app.backendAtStart,
        batchSize: app.batchSize,
        trainEnabledMs: round(app.trainEnabledMs, 0),
        firstStepMs: round(app.firstStepMs, 0),
        trainImgPerSecApp: round(app.trainImgPerSecApp, 0),
        threads: app.threads,
        decodeP95Ms: round(app.decodeP95Ms),
        decodeCount: app.decodeCount,
        longestMainThreadTaskMs: round(app.longestMainThreadTaskMs, 0),
        longTaskCount: app.longTaskCount,
        longTasks: app.longTasks,
        scatterFrameMs10k: round(app.scatterFrameMs10k),
        scatterFrameP95Ms10k: round(app.scatterFrameP95Ms10k),
        knn5At10s: round(app.knnAt[10] ?? null, 3),
        knn5At30s: round(app.knnAt[30] ?? null, 3),
        knn5At60s: round(app.knnAt[60] ?? null, 3),
      };
    },
  },
  {
    name: 'bare',
    async run({ browser, baseUrl, shared }) {
      if (skipBare || !shared.app) return { trainImgPerSecBare: null, appVsBare: null };
      const bare = await benchBare(browser, baseUrl, shared.app.backend, bareSeconds);
      return {
        trainImgPerSecBare: round(bare.imagesPerSecond, 0),
        appVsBare: round(shared.app.trainImgPerSecApp / bare.imagesPerSecond, 3),
      };
    },
  },
  {
    // The same app run with training held to one thread by the link (`threads=1`), right after the
    // first: what the engine's helper threads are worth on this machine.
    name: 'threads',
    async run({ browser, baseUrl, shared }) {
      if (!shared.app) return { trainImgPerSecApp1Thread: null, threadScaling: null };
      const one = await benchApp(browser, baseUrl, 'threads=1');
      return {
        trainImgPerSecApp1Thread: round(one.trainImgPerSecApp, 0),
        threadScaling: round(shared.app.trainImgPerSecApp / one.trainImgPerSecApp, 3),
        threadsInOneThreadRun: one.threads,
        trainEnabledMs1Thread: round(one.trainEnabledMs, 0),
      };
    },
  },
  {
    // The threaded dense step alone in a worker (no page drawing beside it): one thread against the
    // pool the app would use, so the app's threadScaling can be set against what the split gives.
    name: 'engineThreads',
    async run({ browser, baseUrl }) {
      const page = await browser.newPage();
      await page.goto(`${baseUrl}bench.html#engineStep&seconds=6${settingsHash ? `&${settingsHash}` : ''}`);
      await page.waitForFunction(() => window.engineStepBenchResult !== undefined, null, { timeout: 120_000 });
      const result = await page.evaluate(() => window.engineStepBenchResult);
      await page.close();
      if ('error' in result) throw new Error(result.error);
      return {
        engineStepMs1Thread: round(result.oneThreadMs, 2),
        engineStepMsThreads: round(result.threadsMs, 2),
        engineThreads: result.threads,
        engineThreadScaling: round(result.oneThreadMs / result.threadsMs, 3),
      };
    },
  },
  {
    // The CPU path against its own limit: the best f32 GEMM the page reaches (256x784 @ 784x128),
    // the app's training rate in GFLOP/s (FLOP counted from the layer sizes), and the conv kind on wasm.
    name: 'engine',
    async run({ browser, baseUrl, shared }) {
      const gemm = await benchGemm(browser, baseUrl);
      const wasmGemmGflops = Math.max(gemm.tfjsGflops, gemm.engineGflops, gemm.engineKernelGflops);
      const trainGflops = shared.app?.backend === 'wasm' ? (shared.app.trainImgPerSecApp * gemm.trainingFlopsPerImage) / 1e9 : null;
      const conv = await benchKindApp(browser, baseUrl, 'convolutional&backend=wasm', kindSeconds);
      shared.convImgPerSecCpu = conv.backend === 'wasm' ? conv.imagesPerSecond : null;
      return {
        wasmGemmGflops: round(wasmGemmGflops),
        wasmGemmGflopsTfjs: round(gemm.tfjsGflops),
        wasmGemmGflopsEngine: round(gemm.engineGflops),
        wasmGemmGflopsEngineKernel: round(gemm.engineKernelGflops),
        relaxedSimd: gemm.build === 'relaxed-simd',
        wasmGemmGflopsEnginePlainSimd: round(gemm.plainEngineGflops),
        trainGflops: round(trainGflops),
        trainShareOfGemmPeak: trainGflops === null ? null : round(trainGflops / wasmGemmGflops, 3),
        convImgPerSecCpu: conv.backend === 'wasm' ? round(conv.imagesPerSecond, 0) : null,
      };
    },
  },
  {
    // The GPU backends, each forced: the app's loop against the bare tfjs loop on the same backend.
    // On a machine without a GPU these run on Chromium's SwiftShader, a correctness figure more than a speed one.
    name: 'gpu',
    async run({ browser, baseUrl }) {
      const report = { webgpuAdapter: await webgpuAdapterInfo(browser, baseUrl).catch((error) => ({ error: error.message })) };
      for (const backend of ['webgpu', 'webgl']) {
        const app = await benchBackendApp(browser, baseUrl, backend, gpuSeconds);
        const bare = skipBare ? null : await benchBare(browser, baseUrl, backend, gpuSeconds).catch((error) => ({ error }));
        const bareRate = bare && !bare.error ? bare.imagesPerSecond : null;
        report[`${backend}ImgPerSecApp`] = round(app.imagesPerSecond, 0);
        report[`${backend}ImgPerSecBare`] = round(bareRate, 0);
        report[`${backend}AppVsBare`] = app.imagesPerSecond !== null && bareRate ? round(app.imagesPerSecond / bareRate, 3) : null;
        report[`${backend}Engine`] = app.engine;
        if (app.backend !== backend) report[`${backend}TrainedOn`] = app.backend;
        if (bare?.error) report[`${backend}BareError`] = bare.error.message;
      }
      // WebGL's queued read-back: the app's Trainer alone, its loss read every step, then every 16.
      const readEach = await benchBare(browser, baseUrl, 'webgl', gpuSeconds, `loop=trainer&readEvery=1${settingsHash ? `&${settingsHash}` : ''}`).catch((error) => ({ error }));
      const readQueued = await benchBare(browser, baseUrl, 'webgl', gpuSeconds, `loop=trainer&readEvery=16${settingsHash ? `&${settingsHash}` : ''}`).catch((error) => ({ error }));
      report.webglTrainerImgPerSecReadEachStep = readEach.error ? null : round(readEach.imagesPerSecond, 0);
      report.webglTrainerImgPerSecReadEvery16 = readQueued.error ? null : round(readQueued.imagesPerSecond, 0);
      report.webglQueuedReadGain = readEach.error || readQueued.error ? null : round(readQueued.imagesPerSecond / readEach.imagesPerSecond, 3);
      return report;
    },
  },
  {
    name: 'micro',
    async run({ browser, baseUrl }) {
      const micro = await benchMicro(browser, baseUrl);
      return {
        scatterFrameMs70k: round(micro.scatterFrameMs70k),
        scatterFrameP95Ms70k: round(micro.scatterFrameP95Ms70k),
        hoverMs70k: round(micro.hoverMs70k, 4),
        pcaMs10k: round(micro.pcaMs10k, 1),
        umapMs5k: round(micro.umapMs5k, 0),
      };
    },
  },
  {
    name: 'full',
    async run({ browser, baseUrl }) {
      const full = await benchApp70k(browser, baseUrl);
      return {
        load70kMs: full?.load70kMs ?? null,
        longestTaskDuringLoad70kMs: full ? round(full.longestTaskDuringLoad70kMs, 0) : null,
        appScatterFrameMs70k: full ? round(full.appScatterFrameMs70k) : null,
        appScatterFrameP95Ms70k: full ? round(full.appScatterFrameP95Ms70k) : null,
      };
    },
  },
  {
    name: 'perKind',
    async run({ browser, baseUrl }) {
      const perKind = {};
      if (!skipKinds) {
        for (const kind of KINDS) {
          const app = await benchKindApp(browser, baseUrl, kind, kindSeconds);
          // Plain tfjs cannot train every kind on every backend (conv on wasm lacks
          // Conv2DBackpropFilter there); that is a figure too, not a reason to drop the others.
          const bare = await benchBare(browser, baseUrl, app.backend, kindSeconds, `kind=${kind}`).catch((error) => ({ error }));
          perKind[kind] = {
            backend: app.backend,
            trainImgPerSecApp: round(app.imagesPerSecond, 0),
            ...(bare.error
              ? { trainImgPerSecBare: null, bareError: bare.error.message }
              : {
                  trainImgPerSecBare: round(bare.imagesPerSecond, 0),
                  appVsBare: round(app.imagesPerSecond / bare.imagesPerSecond, 3),
                }),
          };
        }
      }
      return { perKind };
    },
  },
  {
    name: 'leaks',
    async run({ browser, baseUrl }) {
      return benchLeaks(browser, baseUrl);
    },
  },
  {
    // A native framework training the same default models on this machine's CPU: the yardstick the
    // app's rates are read against. It loads every core for minutes: keep it after the browser sections.
    name: 'pytorch',
    async run({ shared }) {
      const torch = await benchPytorch();
      if (torch.skipped) {
        return { pytorchDenseImgPerSec: null, pytorchConvImgPerSec: null, appVsPytorchDense: null, appVsPytorchConv: null, pytorchSkipped: torch.skipped };
      }
      const dense = torch.dense.imgPerSec;
      const conv = torch.conv.imgPerSec;
      return {
        pytorchDenseImgPerSec: round(dense, 0),
        pytorchConvImgPerSec: round(conv, 0),
        // The script trains the default dense model; the app trained another one under --settings.
        appVsPytorchDense: shared.app && !settingsHash ? round(shared.app.trainImgPerSecApp / dense, 3) : null,
        appVsPytorchConv: shared.convImgPerSecCpu ? round(shared.convImgPerSecCpu / conv, 3) : null,
        pytorchSetup: { torch: torch.torch, blas: torch.blas, denseThreads: torch.dense.threads, convThreads: torch.conv.threads },
      };
    },
  },
];

const server = await startPreviewServer({ root: process.env.DIST_DIR });
// BENCH_CHROMIUM_ARGS (a JSON array) replaces the SwiftShader flags, e.g. with a real GPU's (see gpu-check.mjs).
const browser = process.env.BENCH_CHROMIUM_ARGS
  ? await chromium.launch({ executablePath: findChromium(), headless: true, args: JSON.parse(process.env.BENCH_CHROMIUM_ARGS) })
  : await launchBrowser();
try {
  const shared = {};
  const report = {};
  for (const section of SECTIONS.filter(({ name }) => !onlySections || onlySections.includes(name))) {
    try {
      Object.assign(report, await section.run({ browser, baseUrl: server.url, shared }));
    } catch (error) {
      report[`${section.name}Error`] = error instanceof Error ? error.message : String(error);
    }
  }
  Object.assign(report, {
    trainSeconds,
    settings: settingsHash || 'defaults',
    backendSelfTest: shared.app ? shared.app.backendReports.replace(/\s+/g, ' ').trim() : null,
  });
  console.log(JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await server.close();
}
