// The Applications panel's Versus PCA and Compression tabs on a briefly trained model (MNIST, latent
// size 2), the Show PCA map toggle on the latent map, and Denoising on a briefly trained denoiser.
import { test, expect } from './fixtures.mjs';
import { globalStep, openApp, pauseAndSettle, settle, waitForMap } from './appHelpers.mjs';

/** The raw number behind a labelled figure of the panel, once it is measured. */
async function figure(region, name) {
  const output = region.getByRole('status', { name, exact: true });
  await expect(output).not.toHaveAttribute('data-value', '', { timeout: 120_000 });
  return Number(await output.getAttribute('data-value'));
}

/** For each row of an ImageRows canvas, how many tile pixels are not blank (the images are drawn). */
function inkPerRow(canvas) {
  return canvas.evaluate((element) => {
    const rows = element.dataset.rows.split(' | ');
    const ratio = element.width / element.getBoundingClientRect().width;
    const tile = Number(element.dataset.tilePx) * ratio;
    const gap = 6 * ratio;
    const context = element.getContext('2d');
    return rows.map((_, r) => {
      // Tiles start after the 150 px title column.
      const { data } = context.getImageData(Math.round(150 * ratio), Math.round(r * (tile + gap)), element.width - Math.round(150 * ratio), Math.round(tile));
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] > 16 || data[i + 1] > 16 || data[i + 2] > 16)) inked++;
      return inked;
    });
  });
}

test('Versus PCA and Compression fill with figures in range after a short training, and Show PCA map swaps the map', async ({ ctx }, testInfo) => {
  const page = await openApp(ctx, '#backend=wasm');
  const region = page.getByRole('region', { name: 'Applications' });
  // Before any training nothing is measured: an untrained model's figures say nothing, and the
  // analysis worker (a copy of the dataset, a PCA fit) is not started as the page opens.
  await expect(region.getByRole('tabpanel')).toContainText('Train the model (or press Measure) to see these figures.');
  expect(page.workers().map((worker) => worker.url()).filter((url) => /analysisWorker/.test(url))).toEqual([]);
  await trainSteps(page, 30);

  // Versus PCA: both errors in the model's loss, PCA's map scored like the model's, both reconstructions drawn.
  // Leaving the tab and coming back measures the paused model afresh, whatever the last tick measured.
  await region.getByRole('tab', { name: 'Denoising' }).click();
  await region.getByRole('tab', { name: 'Versus PCA' }).click();
  const pcaError = await figure(region, 'PCA held-out error');
  const modelError = await figure(region, 'Autoencoder held-out error');
  const pcaKnn = await figure(region, 'PCA map kNN accuracy');
  for (const error of [pcaError, modelError]) {
    // Mean cross-entropy per pixel: above 0, and below an untrained model's ln 2 (outputs of one half).
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(Math.LN2);
  }
  expect(pcaKnn).toBeGreaterThan(0.1);
  expect(pcaKnn).toBeLessThanOrEqual(1);
  const pcaRows = region.getByRole('img', { name: "Held-out images: originals, PCA's reconstructions, the autoencoder's" });
  await expect(pcaRows).toHaveAttribute('data-rows', 'Original | PCA (2) | Autoencoder');
  for (const ink of await inkPerRow(pcaRows)) expect(ink).toBeGreaterThan(50);
  await expect(region.getByText(/of the pixel variance \(fitted on [\d,]+ of the images the model trains on\)/)).toBeVisible();

  // Show PCA map: the pixels' map takes the latent map's place, with its own axes and no probe.
  const map = page.getByRole('img', { name: 'Latent map' }).first();
  const probe = page.getByRole('slider', { name: 'Latent probe', includeHidden: true }).first();
  const probeText = await probe.getAttribute('aria-valuetext');
  await region.getByRole('checkbox', { name: 'Show PCA map' }).check();
  await expect(page.getByText(/^Pixel PC 1 \(\d+% of variance\)$/)).toBeVisible();
  await expect(probe).toBeHidden();
  await expect(page.getByText(/^PCA map of the pixels: hover to see an image/)).toBeVisible();
  await settle(page); // the map's glide to the PCA points
  await map.screenshot({ path: testInfo.outputPath('pca-map.png') });

  // Empty space (the plot's top-left corner) does not move the probe.
  const box = await map.boundingBox();
  await page.mouse.click(box.x + 60, box.y + 16);
  await expect(probe).toHaveAttribute('aria-valuetext', probeText);

  // Hover across the middle until a tooltip names an image; pressing there decodes that image.
  const tooltip = page.getByRole('tooltip');
  let shown = false;
  for (let step = 0; step < 40 && !shown; step++) {
    await page.mouse.move(box.x + box.width * (0.3 + step / 100), box.y + box.height * 0.5);
    shown = await tooltip.isVisible().catch(() => false);
  }
  expect(shown).toBe(true);
  const label = await tooltip.locator('strong').innerText();
  await page.mouse.down();
  await page.mouse.up();
  const decoded = page.getByRole('region', { name: 'Decoded at the probe' });
  await expect(decoded.getByRole('img', { name: 'Original image' })).toBeVisible();
  await expect(decoded.getByText(`label ${label}`)).toBeVisible();

  await region.getByRole('checkbox', { name: 'Show PCA map' }).uncheck();
  await expect(page.getByText(/^Pixel PC 1/)).toHaveCount(0);
  await expect(probe).toBeVisible();

  // Compression: 784 values in a 2-value code, bytes per bit depth, PSNR of the code and of JPEG at that size.
  await region.getByRole('tab', { name: 'Compression' }).click();
  expect(await figure(region, 'Compression ratio')).toBe(392);
  expect(await figure(region, 'Input bytes')).toBe(784);
  const picker = region.getByRole('combobox', { name: 'Bits per code value' });
  const figures = {};
  for (const [bits, bytes] of [['32', 8], ['8', 2], ['6', 1.5], ['4', 1], ['2', 0.5]]) {
    await picker.selectOption(bits);
    await expect(region.getByRole('status', { name: 'Code bytes', exact: true })).toHaveAttribute('data-value', String(bytes));
    const psnr = await figure(region, 'PSNR at code bits');
    const jpeg = await figure(region, 'JPEG PSNR at the same size');
    for (const db of [psnr, jpeg]) {
      expect(Number.isFinite(db)).toBe(true);
      expect(db).toBeGreaterThan(3);
      expect(db).toBeLessThan(60);
    }
    figures[bits] = { psnr, jpeg };
  }
  // Coarser codes lose detail: 2 bits per value cannot beat float32 by more than noise.
  expect(figures['2'].psnr).toBeLessThanOrEqual(figures['32'].psnr + 0.05);
  testInfo.annotations.push({ type: 'figures', description: JSON.stringify({ pcaError, modelError, pcaKnn, compression: figures }) });
  console.log(JSON.stringify({ pcaError, modelError, pcaKnn, compression: figures }));
});

/** Train until at least `steps` steps are done, then pause and let the last weights arrive. */
async function trainSteps(page, steps) {
  await page.getByRole('button', { name: 'Train' }).click();
  await waitForMap(page);
  await expect.poll(() => globalStep(page), { timeout: 150_000, intervals: [500] }).toBeGreaterThanOrEqual(steps);
  await pauseAndSettle(page);
}

test('Denoising: after a short training a denoiser cleans its own noise (PSNR denoised above PSNR noisy), with noisy, output and clean rows', async ({ ctx }, testInfo) => {
  // A 16-value code: a 2-value one cannot draw a digit much more sharply than light Gaussian noise leaves it.
  const page = await openApp(ctx, '#backend=wasm&kind=denoising&latent=16');
  await trainSteps(page, 120);
  const region = page.getByRole('region', { name: 'Applications' });
  // The trained denoiser's output is cleaner than its noisy input, both in a sane dB range.
  await region.getByRole('tab', { name: 'Denoising' }).click();
  const noisy = await figure(region, 'PSNR noisy');
  const denoised = await figure(region, 'PSNR denoised');
  for (const db of [noisy, denoised]) {
    expect(Number.isFinite(db)).toBe(true);
    expect(db).toBeGreaterThan(3);
    expect(db).toBeLessThan(40);
  }
  expect(denoised).toBeGreaterThan(noisy);
  const denoiseRows = region.getByRole('img', { name: 'Held-out images: noisy input, model output, clean image' });
  await expect(denoiseRows).toHaveAttribute('data-rows', 'Noisy | Output | Clean');
  for (const ink of await inkPerRow(denoiseRows)) expect(ink).toBeGreaterThan(50);

  await expect(region.getByRole('combobox', { name: 'Noise type' })).toHaveValue('gaussian');
  testInfo.annotations.push({ type: 'PSNR noisy, denoised', description: `${noisy} ${denoised}` });
  console.log(JSON.stringify({ noisy, denoised }));
});
