// The Applications panel's Anomalies tab with a held-out class, on a briefly trained model.
import { test, expect } from './fixtures.mjs';
import { openApp, trainThenPause } from './appHelpers.mjs';

/** The raw number behind a labelled figure of the panel, once it is measured. */
async function figure(region, name) {
  const output = region.getByRole('status', { name, exact: true });
  await expect(output).not.toHaveAttribute('data-value', '', { timeout: 120_000 });
  return Number(await output.getAttribute('data-value'));
}

test('with class 8 held out, Anomalies shows a ROC curve, an Anomaly AUC in [0, 1], and precision and recall that follow the threshold', async ({ ctx }, testInfo) => {
  const page = await openApp(ctx, '#backend=wasm&anomalyClass=8&epochs=1');
  await trainThenPause(page);
  const region = page.getByRole('region', { name: 'Applications' });
  await region.getByRole('tab', { name: 'Anomalies' }).click();

  await expect(region.getByRole('combobox', { name: 'Hold out a class' })).toHaveValue('8');
  await expect(region.getByRole('img', { name: /^ROC curve/ })).toBeVisible({ timeout: 120_000 });
  const auc = await figure(region, 'Anomaly AUC');
  expect(auc).toBeGreaterThanOrEqual(0);
  expect(auc).toBeLessThanOrEqual(1);
  const precision = await figure(region, 'Precision at the threshold');
  const recall = await figure(region, 'Recall at the threshold');
  for (const share of [precision, recall]) {
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(1);
  }
  // The training worker's own batch order (the indices this epoch's batches are drawn from) has no
  // image of class 8, and is the 9,000-image training split less about a tenth: class 8 alone.
  expect(await figure(region, 'Held-out class images in training batches')).toBe(0);
  const drawnFrom = region.getByText(/^of the [\d,]+ training images this epoch's batches are drawn from$/);
  const drawn = Number((await drawnFrom.innerText()).match(/[\d,]+/)[0].replace(/,/g, ''));
  expect(drawn).toBeGreaterThan(7500);
  expect(drawn).toBeLessThan(8500);
  testInfo.annotations.push({ type: 'Anomaly AUC, class 8 held out', description: String(auc) });
  await region.screenshot({ path: testInfo.outputPath('anomalies.png') });
  console.log(`Anomaly AUC with class 8 held out: ${auc.toFixed(3)}`);

  // The threshold is a slider: Home flags every image, so recall becomes 1.
  const slider = region.getByRole('slider', { name: 'Error threshold' });
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(slider).toHaveAttribute('aria-valuenow', '0');
  await expect(region.getByRole('status', { name: 'Recall at the threshold', exact: true })).toHaveAttribute('data-value', '1');
  await page.keyboard.press('ArrowRight');
  expect(Number(await slider.getAttribute('aria-valuenow'))).toBeGreaterThan(0);

  // A gallery image becomes the probe's source: the decoded panel shows it as the original.
  const gallery = region.getByRole('group', { name: 'Held-out images with the highest reconstruction error' });
  const first = gallery.getByRole('button').first();
  const className = (await first.getAttribute('aria-label')).match(/^Image \d+, ([^,]+),/)[1];
  await first.click();
  const decoded = page.getByRole('region', { name: 'Decoded at the probe' });
  await expect(decoded.getByRole('img', { name: 'Original image' })).toBeVisible();
  await expect(decoded.getByText(`label ${className}`)).toBeVisible();

  // Changing the held-out class asks before discarding the trained model; keeping it changes nothing.
  const picker = region.getByRole('combobox', { name: 'Hold out a class' });
  await picker.selectOption('');
  const dialog = page.getByRole('dialog', { name: 'Discard the trained model?' });
  await dialog.getByRole('button', { name: 'Keep my model' }).click();
  await expect(picker).toHaveValue('8');
  await expect(region.getByRole('status', { name: 'Anomaly AUC', exact: true })).toBeVisible();

  // Discarding builds a model with every class: no known anomalies, so no AUC, and the new model can be started.
  await picker.selectOption('');
  await dialog.getByRole('button', { name: 'Discard and go on' }).click();
  await expect(picker).toHaveValue('');
  await expect(region.getByText(/need known anomalies/)).toBeVisible({ timeout: 120_000 });
  await expect(region.getByRole('status', { name: 'Anomaly AUC', exact: true })).toHaveCount(0);
  await region.getByRole('button', { name: 'Train the new model' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
});
