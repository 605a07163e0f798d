// Lesson mode: every step sets the app up as it says, a trained model is never discarded without
// asking, and a copied classroom link reproduces settings, dataset, projection and lesson step.
import { test, expect } from './fixtures.mjs';
import { openApp, trainThenPause, globalStep } from './appHelpers.mjs';
import { LESSON_STEPS } from '../../src/lesson/steps.ts';

const lessonTitle = (page) => page.locator('#lesson-title');

async function expectStepSetUp(page, step) {
  const { settings = {}, dataset, projection, colourBy } = step.setup;
  if (dataset) await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue(dataset, { timeout: 90_000 });
  if (settings.kind) await expect(page.getByLabel('Autoencoder kind')).toHaveValue(settings.kind);
  if (settings.latentDim) await expect(page.getByLabel('Latent size')).toHaveValue(settings.latentDim);
  if (settings.loss) await expect(page.getByLabel('Loss', { exact: true })).toHaveValue(settings.loss);
  if (settings.noiseType) await expect(page.getByLabel('Noise', { exact: true })).toHaveValue(settings.noiseType);
  if (settings.sparsityType) await expect(page.getByLabel('Sparsity penalty')).toHaveValue(settings.sparsityType);
  if (projection) await expect(page.getByLabel('Projection')).toHaveValue(projection);
  if (colourBy) await expect(page.getByLabel('Colour by')).toHaveValue(colourBy);
  // The step's Applications tab is selected, when the panel has that tab.
  if (step.setup.applicationsTab) {
    const tab = page.getByRole('region', { name: 'Applications' }).getByRole('tab', { name: step.setup.applicationsTab, exact: true });
    if ((await tab.count()) > 0) await expect(tab).toHaveAttribute('aria-selected', 'true');
  }
  // The model on the page is the step's: no pending settings.
  await expect(page.locator('.pending-note')).toHaveCount(0);
}

test('each lesson step, reached with Next or the arrow key, sets the app up as it says and puts its step in the link', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await page.getByRole('button', { name: 'Lesson' }).click();
  for (const [index, step] of LESSON_STEPS.entries()) {
    await expect(page.locator('.lesson-count')).toContainText(`Step ${index + 1} of ${LESSON_STEPS.length}`);
    await expect(lessonTitle(page)).toHaveText(step.title);
    await expectStepSetUp(page, step);
    if (index === 0) {
      // The first step's figure shows the live code z = f(x).
      await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
    }
    if (index === LESSON_STEPS.length - 1) break;
    if (index % 2 === 0) {
      await page.getByRole('button', { name: 'Next' }).click();
    } else {
      await page.evaluate(() => document.activeElement?.blur?.());
      await page.keyboard.press('ArrowRight');
    }
  }
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.waitForFunction((n) => document.location.hash.includes(`lesson=${n}`), LESSON_STEPS.length);
  await page.keyboard.press('ArrowLeft');
  await expect(lessonTitle(page)).toHaveText(LESSON_STEPS.at(-2).title);
});

test('the first step shows z = f(x) with live numbers that follow the probe', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm&lesson=1');
  await expect(lessonTitle(page)).toHaveText(LESSON_STEPS[0].title);
  await trainThenPause(page);
  const code = page.getByLabel('Code z');
  await expect(code).toHaveText(/^\(−?\d+\.\d\d, −?\d+\.\d\d\)$/);
  const before = await code.innerText();
  const probe = page.getByRole('slider', { name: 'Latent probe' });
  await probe.focus();
  await probe.press('Shift+ArrowRight');
  await expect(code).not.toHaveText(before);
});

test('a lesson step never discards a trained model without asking, and keeps it when told to', async ({ ctx }) => {
  const basic = LESSON_STEPS.findIndex((step) => step.id === 'kind-basic');
  const page = await openApp(ctx, `#backend=wasm&lesson=${basic + 1}`);
  await trainThenPause(page);
  const steps = await globalStep(page);
  await page.getByRole('button', { name: 'Next' }).click();
  const dialog = page.getByRole('dialog', { name: 'Discard the trained model?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep my model' }).click();
  await expect(dialog).toBeHidden();
  await expect(lessonTitle(page)).toHaveText(LESSON_STEPS[basic + 1].title);
  await expect(page.getByLabel('Autoencoder kind')).toHaveValue('basic');
  expect(await globalStep(page)).toBe(steps);
  // Asked again from the step, and this time the model is replaced.
  await page.getByRole('button', { name: 'Set up this step' }).click();
  await dialog.getByRole('button', { name: 'Discard and go on' }).click();
  await expect(page.getByLabel('Autoencoder kind')).toHaveValue('convolutional');
});

test('a copied link opened in a new browser context reproduces the settings, dataset, projection, colouring and lesson step', async ({ ctx }) => {
  const colour = LESSON_STEPS.findIndex((step) => step.id === 'colour');
  // Opened on the step before (a link only shows its step), then Next sets up the colour step.
  const page = await openApp(ctx, `#backend=wasm&lesson=${colour}`);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(lessonTitle(page)).toHaveText(LESSON_STEPS[colour].title);
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('emoji', { timeout: 90_000 });
  await page.getByLabel('Seed').fill('5');
  await page.getByLabel('Learning rate').fill('0.002');
  await page.getByLabel('Projection').selectOption('pca');
  await page.getByLabel('Colour by').selectOption('density');
  await page.getByLabel('Colour-blind-safe palette').check();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = page.url();
  expect(link).toContain('seed=5');

  const other = await ctx.newPage();
  await other.setViewportSize({ width: 1440, height: 960 });
  await other.goto(link);
  await expect(other.getByLabel('Dataset', { exact: true })).toHaveValue('emoji', { timeout: 90_000 });
  await expect(other.getByLabel('Seed')).toHaveValue('5');
  await expect(other.getByLabel('Learning rate')).toHaveValue('0.002');
  await expect(other.getByLabel('Autoencoder kind')).toHaveValue('basic');
  await expect(other.getByLabel('Projection')).toHaveValue('pca');
  await expect(other.getByLabel('Colour by')).toHaveValue('density');
  await expect(other.getByLabel('Colour-blind-safe palette')).toBeChecked();
  await expect(other.locator('.lesson-count')).toContainText(`Step ${colour + 1} of ${LESSON_STEPS.length}`);
  await expect(other.locator('.notice-warning')).toHaveCount(0);
});

test('a link with bad classroom values names each one and opens the rest', async ({ ctx }) => {
  const page = await ctx.newPage();
  await page.goto(`${ctx.baseUrl}#lesson=999&hide=settings,nonsense&presenter=maybe&seed=4`);
  await expect(page.locator('.notice', { hasText: 'lesson "999"' })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.notice', { hasText: '"nonsense"' })).toBeVisible();
  await expect(page.locator('.notice', { hasText: 'presenter "maybe"' })).toBeVisible();
  await expect(page.getByLabel('Seed')).toHaveValue('4');
});
