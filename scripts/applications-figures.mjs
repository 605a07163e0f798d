// The Applications panel's figures, measured on the built app in headless Chromium: each model is
// trained in the page for a fixed number of steps (not seconds, so a busy machine gives the same
// models, only later), paused, and the panel's outputs are read from their `data-value`. Prints one
// JSON object:
//   versusPca    {latent 2, 8}: PCA and autoencoder held-out error (the model's loss), both maps' kNN accuracy
//   denoising    a denoising model on its own noise: PSNR noisy and PSNR denoised (dB)
//   compression  latent 2: compression ratio, and per code depth the code bytes, PSNR and JPEG PSNR at that size
//   features     probe accuracy on codes, pixels and PCA (latent 2)
//   anomalies    per held-out class 0..9: Anomaly AUC, and the held-out class's images in the training batches
//   sweep        Bottleneck sweep at FIGURES_SWEEP_S seconds per size: training error, held-out error, probe accuracy
// Run: `npm run build && node scripts/applications-figures.mjs` (DIST_DIR serves another build folder;
// FIGURES_STEPS, FIGURES_ANOMALY_STEPS (batches of 64) and FIGURES_SWEEP_S set the amounts;
// FIGURES_ONLY=versusPca,denoising,anomalies,sweep picks parts).
import { launchBrowser, startPreviewServer } from '../tests/browser/harness.mjs';

const STEPS = Number(process.env.FIGURES_STEPS ?? 280);
const ANOMALY_STEPS = Number(process.env.FIGURES_ANOMALY_STEPS ?? 140);
const PROGRESS = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/;
const SWEEP_S = Number(process.env.FIGURES_SWEEP_S ?? 4);
const ONLY = process.env.FIGURES_ONLY ? new Set(process.env.FIGURES_ONLY.split(',')) : null;
const MEASURE_TIMEOUT_MS = 180_000;

const server = await startPreviewServer({ root: process.env.DIST_DIR });
const browser = await launchBrowser();
const log = (line) => process.stderr.write(`${line}\n`);

/** Steps done so far, from the first progress line. */
async function globalStep(page) {
  const match = PROGRESS.exec(await page.locator('.progress-head').first().innerText());
  return match ? (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) : 0;
}

/** Open the app with a link hash, train at least `steps` steps, pause and let the last map arrive. */
async function trainedPage(hash, steps) {
  const started = Date.now();
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.goto(server.url + hash);
  const train = page.getByRole('button', { name: 'Train' });
  await train.and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  await train.click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  while ((await globalStep(page)) < steps) await page.waitForTimeout(250);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await page.waitForTimeout(1500);
  const progress = { steps: await globalStep(page), seconds: Math.round((Date.now() - started) / 1000) };
  return { page, region: page.getByRole('region', { name: 'Applications' }), progress };
}

/** The number behind a labelled figure once measured (null when it stays empty). */
async function figure(region, name) {
  const output = region.getByRole('status', { name, exact: true });
  try {
    await output.and(region.locator('output:not([data-value=""])')).waitFor({ timeout: MEASURE_TIMEOUT_MS });
  } catch {
    return null;
  }
  return Number(await output.getAttribute('data-value'));
}

async function versusPca(latent) {
  const { page, region, progress } = await trainedPage(`#latent=${latent}`, STEPS);
  // The first tab was measured on the untrained model at page load: leave it and come back for the paused one.
  await region.getByRole('tab', { name: 'Denoising' }).click();
  await region.getByRole('tab', { name: 'Versus PCA' }).click();
  const result = {
    progress,
    pcaHeldOutError: await figure(region, 'PCA held-out error'),
    autoencoderHeldOutError: await figure(region, 'Autoencoder held-out error'),
    pcaMapKnnAccuracy: await figure(region, 'PCA map kNN accuracy'),
    autoencoderMapKnnAccuracy: await figure(region, 'Autoencoder map kNN accuracy'),
  };
  if (latent === 2) {
    await region.getByRole('tab', { name: 'Features' }).click();
    result.features = {
      codes: await figure(region, 'Probe accuracy on codes'),
      pixels: await figure(region, 'Probe accuracy on pixels'),
      pca: await figure(region, 'Probe accuracy on PCA'),
    };
    await region.getByRole('tab', { name: 'Compression' }).click();
    const picker = region.getByRole('combobox', { name: 'Bits per code value' });
    result.compression = { ratio: await figure(region, 'Compression ratio'), inputBytes: await figure(region, 'Input bytes'), byBits: {} };
    for (const bits of ['32', '8', '6', '4', '2']) {
      await picker.selectOption(bits);
      result.compression.byBits[bits === '32' ? 'float32' : bits] = {
        codeBytes: await figure(region, 'Code bytes'),
        psnr: await figure(region, 'PSNR at code bits'),
        jpegPsnr: await figure(region, 'JPEG PSNR at the same size'),
      };
    }
  }
  await page.close();
  return result;
}

async function denoising() {
  const { page, region, progress } = await trainedPage('#kind=denoising', STEPS);
  await region.getByRole('tab', { name: 'Denoising' }).click();
  const result = {
    progress,
    noise: `${await region.getByRole('combobox', { name: 'Noise type' }).inputValue()} ${await region.getByRole('spinbutton', { name: 'Noise level' }).inputValue()}`,
    psnrNoisy: await figure(region, 'PSNR noisy'),
    psnrDenoised: await figure(region, 'PSNR denoised'),
  };
  await page.close();
  return result;
}

async function anomalies() {
  const perClass = {};
  for (let label = 0; label <= 9; label++) {
    const { page, region, progress } = await trainedPage(`#anomalyClass=${label}`, ANOMALY_STEPS);
    await region.getByRole('tab', { name: 'Anomalies' }).click();
    perClass[label] = {
      progress,
      auc: await figure(region, 'Anomaly AUC'),
      heldOutClassImagesInTrainingBatches: await figure(region, 'Held-out class images in training batches'),
    };
    log(`anomalyClass=${label}: ${JSON.stringify(perClass[label])}`);
    await page.close();
  }
  return perClass;
}

async function sweep() {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  const region = page.getByRole('region', { name: 'Applications' });
  await region.getByRole('tab', { name: 'Bottleneck sweep' }).click();
  await region.getByRole('spinbutton', { name: 'Seconds per size' }).fill(String(SWEEP_S));
  await region.getByRole('button', { name: 'Run sweep' }).click();
  await region.getByRole('progressbar', { name: 'Sweep progress' }).waitFor();
  await region.getByRole('button', { name: 'Run sweep' }).waitFor({ timeout: (SWEEP_S * 7 + 240) * 1000 });
  const rows = await region
    .getByRole('table', { name: 'Bottleneck sweep figures' })
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent.trim())));
  const why = await region.getByLabel('Why').innerText();
  await page.close();
  const number = (text) => (text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text.replace(/,/g, '')));
  return {
    secondsPerSize: SWEEP_S,
    sizes: rows.map(([size, trainError, heldOutError, probe, steps]) => ({
      latent: number(size),
      trainError: number(trainError),
      heldOutError: number(heldOutError),
      probeAccuracy: number(probe),
      steps: number(steps),
    })),
    why,
  };
}

const report = { steps: STEPS, anomalySteps: ANOMALY_STEPS, batchSize: 64 };
const started = Date.now();
try {
  const wants = (part) => !ONLY || ONLY.has(part);
  if (wants('versusPca')) {
    report.versusPca = {};
    for (const latent of [2, 8]) {
      report.versusPca[latent] = await versusPca(latent);
      log(`versusPca latent ${latent}: ${JSON.stringify(report.versusPca[latent])}`);
    }
  }
  if (wants('denoising')) report.denoising = await denoising();
  if (wants('anomalies')) report.anomalies = await anomalies();
  if (wants('sweep')) report.sweep = await sweep();
  report.seconds = Math.round((Date.now() - started) / 1000);
  console.log(JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await server.close();
}
