// The Applications panel's Generation, Features and Bottleneck sweep tabs on a briefly trained model.
import { test, expect } from './fixtures.mjs';
import { openApp, trainThenPause } from './appHelpers.mjs';

/** The raw number behind a labelled figure of the panel, once it is measured. */
async function figure(region, name) {
  const output = region.getByRole('status', { name, exact: true });
  await expect(output).not.toHaveAttribute('data-value', '', { timeout: 120_000 });
  return Number(await output.getAttribute('data-value'));
}

test('Generation and Features fill with scores and probe accuracies in range after a short training', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await trainThenPause(page);
  const region = page.getByRole('region', { name: 'Applications' });

  await region.getByRole('tab', { name: 'Generation' }).click();
  await expect(region.getByRole('img', { name: 'Decoded samples from N(0, I)' })).toBeVisible({ timeout: 120_000 });
  await expect(region.getByRole('img', { name: 'Decoded samples from the fitted Gaussian' })).toBeVisible();
  for (const grid of ['N(0, I) samples', 'fitted-Gaussian samples', 'real held-out images']) {
    const distance = await figure(region, `Distance to nearest training image, ${grid}`);
    const share = await figure(region, `Confidently classified, ${grid}`);
    expect(distance).toBeGreaterThan(0);
    expect(distance).toBeLessThan(1);
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(1);
  }

  await region.getByRole('tab', { name: 'Features' }).click();
  const accuracies = {};
  for (const input of ['codes', 'pixels', 'PCA']) {
    accuracies[input] = await figure(region, `Probe accuracy on ${input}`);
    // Ten digit classes: chance is 10%; every probe must beat it clearly and stay a share.
    expect(accuracies[input]).toBeGreaterThan(0.2);
    expect(accuracies[input]).toBeLessThanOrEqual(1);
  }
  // A linear probe reads digits from raw pixels far better than from two numbers.
  expect(accuracies.pixels).toBeGreaterThan(accuracies.codes);
  const confusion = region.getByRole('table', { name: 'Confusion matrix of the code probe' });
  await expect(confusion.getByRole('row')).toHaveCount(11);

  const downloading = page.waitForEvent('download');
  await region.getByRole('button', { name: 'Export codes' }).click();
  const download = await downloading;
  const stream = await download.createReadStream();
  let text = '';
  for await (const chunk of stream) text += chunk;
  const lines = text.trimEnd().split('\r\n');
  expect(lines[0]).toBe('index,label,label_name,split,z1,z2,map_x,map_y');
  expect(lines).toHaveLength(10_001);
  expect(lines[1]).toMatch(/^0,\d,\d,(train|held-out),-?[\d.e-]+,-?[\d.e-]+,-?[\d.e-]+,-?[\d.e-]+$/);
});

test('Run sweep with 3 s per size charts seven latent sizes, and a sweep can be cancelled', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  const region = page.getByRole('region', { name: 'Applications' });
  await region.getByRole('tab', { name: 'Bottleneck sweep' }).click();
  await region.getByRole('spinbutton', { name: 'Seconds per size' }).fill('3');
  await region.getByRole('button', { name: 'Run sweep' }).click();
  await expect(region.getByRole('progressbar', { name: 'Sweep progress' })).toBeVisible();
  await expect(region.getByRole('button', { name: 'Run sweep' })).toBeVisible({ timeout: 240_000 });

  const chart = region.getByRole('img', { name: 'Bottleneck sweep chart' });
  await expect(chart).toHaveAttribute('data-sizes', '7');
  for (const series of ['train', 'heldout', 'probe']) await expect(chart.locator(`circle.sweep-dot-${series}`)).toHaveCount(7);
  const sizes = await region.getByRole('table', { name: 'Bottleneck sweep figures' }).locator('tbody th').allInnerTexts();
  expect(sizes).toEqual(['1', '2', '4', '8', '16', '32', '64']);
  await expect(region.getByLabel('Why')).toHaveText(/\.$/);
  // The model on screen was never trained by the sweep.
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();

  await region.getByRole('button', { name: 'Run sweep' }).click();
  await region.getByRole('button', { name: 'Cancel sweep' }).click();
  await expect(region.getByText('Sweep cancelled')).toBeVisible();
  await expect(region.getByRole('progressbar', { name: 'Sweep progress' })).toHaveCount(0);
});
