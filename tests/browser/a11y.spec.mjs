// Keyboard and screen reader: axe-core finds no serious or critical problem on the main page, in
// presenter mode or in lesson mode; the shortcuts work and are listed; the probe says where it is
// and what it is near; controls show a focus ring.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.mjs';
import { globalStep, openApp, trainThenPause } from './appHelpers.mjs';

async function seriousViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(' | ')})`);
}

test('axe-core finds no serious or critical violation on the main page, in presenter mode or in lesson mode', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await trainThenPause(page);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  await page.getByRole('button', { name: 'Lesson' }).click();
  await page.locator('#lesson-title').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('Space trains and pauses, S steps, R asks before discarding a trained model, ? lists the shortcuts', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  const blur = () => page.evaluate(() => document.activeElement?.blur?.());
  await blur();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Space');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await blur();
  await page.keyboard.press('s');
  await expect.poll(() => globalStep(page).catch(() => 0)).toBeGreaterThanOrEqual(1);
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  // The step the worker stopped at may reach the page just after its paused status: wait until it holds still.
  let steps = -1;
  await expect
    .poll(async () => {
      const before = steps;
      steps = await globalStep(page);
      return steps === before;
    }, { intervals: [300], timeout: 15_000 })
    .toBe(true);

  await page.keyboard.press('r');
  const confirm = page.getByRole('dialog', { name: 'Discard the trained model?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Keep my model' }).click();
  expect(await globalStep(page)).toBe(steps);
  await blur();
  await page.keyboard.press('R');
  await confirm.getByRole('button', { name: 'Discard and go on' }).click();
  // A fresh model: no progress yet, or (once the worker has built it) step 0 of epoch 1.
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 60_000 }).toBe(0);
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout: 60_000 });
});

test('the probe tells a screen reader its position and nearest class, and epochs are announced politely', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await trainThenPause(page);
  const probe = page.getByRole('slider', { name: 'Latent probe' });
  await probe.focus();
  await probe.press('ArrowRight');
  await expect(probe).toHaveAttribute('aria-valuetext', /^z₁ −?\d+\.\d, z₂ −?\d+\.\d, near \ds$/);
  await expect(page.locator('[data-announces="epoch"]')).toHaveAttribute('aria-live', 'polite');
});

test('Tab reaches the classroom controls, the training buttons and the probe, each with a visible focus ring', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  const seen = new Set();
  for (let i = 0; i < 60 && seen.size < 5; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      const style = window.getComputedStyle(element);
      return { name: element.getAttribute('aria-label') || element.textContent.trim(), ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    if (['Lesson', 'Presenter mode', 'Copy link', 'Train', 'Latent probe'].includes(focused.name)) {
      expect(focused.ring, `${focused.name} shows a focus ring`).toBe(true);
      seen.add(focused.name);
    }
  }
  expect([...seen].sort()).toEqual(['Copy link', 'Latent probe', 'Lesson', 'Presenter mode', 'Train']);
});
