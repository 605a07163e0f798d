// What the leak test and `npm run bench` share: a small image set, and the memory figures of a
// page (tensors of the page and of its training worker, the page's JS heap after a full
// collection, read through the DevTools protocol), and 100 epochs measured between two of them.
import { gzipSync } from 'node:zlib';
import { settle } from './appHelpers.mjs';

const TRAINING_WORKER = /\/worker-[^/]*\.js$/;

/** The link of the leak runs: a small dense model on wasm, a 5-epoch warm-up run first (see trainEpochsMeasured). */
export const LEAK_RUN_HASH = '#backend=wasm&hidden=32&epochs=5&batch=64';
/** The leak runs' set: 115 training images, 2 batches an epoch, so 100 epochs take seconds. */
export const LEAK_SET_SIZE = 128;

/** `count` 28x28 images of three classes (a bar, a box, a cross), as an IDX pair for `setInputFiles`. */
export function smallSet(name, count) {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const [cx, cy] = [x - 14 + (i % 5) - 2, y - 14 + (i % 7) - 3];
        const inside = labels[i] === 0 ? Math.abs(cx) < 3 : labels[i] === 1 ? Math.max(Math.abs(cx), Math.abs(cy)) < 8 : Math.abs(cx) < 2 || Math.abs(cy) < 2;
        images[i * 784 + y * 28 + x] = inside ? 255 : 0;
      }
    }
  }
  const idx = (magic, dims, data) => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt32BE(magic, 0);
    dims.forEach((dim, i) => header.writeUInt32BE(dim, 4 + 4 * i));
    return Buffer.concat([header, Buffer.from(data)]);
  };
  return [
    { name: `${name}-images-idx3-ubyte.gz`, mimeType: 'application/gzip', buffer: gzipSync(idx(0x803, [count, 28, 28], images)) },
    { name: `${name}-labels-idx1-ubyte`, mimeType: 'application/octet-stream', buffer: idx(0x801, [count], labels) },
  ];
}

/**
 * Tensors of the page and of the training worker (`latentExplorerTensors()`, src/lib/tensorCounts.ts)
 * and the page's used JS heap in MB after a full collection. `cdp` is the page's DevTools session.
 */
export async function measureMemory(page, cdp) {
  const worker = page.workers().find((candidate) => TRAINING_WORKER.test(candidate.url()));
  if (!worker) throw new Error('measureMemory: the page has no training worker');
  const workerTensors = await worker.evaluate(() => globalThis.latentExplorerTensors());
  const pageTensors = await page.evaluate(() => globalThis.latentExplorerTensors());
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return { page: pageTensors.tensors, worker: workerTensors.tensors, workerBytes: workerTensors.bytes, heapMb: usedSize / 2 ** 20 };
}

/** Waits until the model is built and nothing runs (status Ready). */
export async function waitIdle(page) {
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
  await page.locator('.progress-head .status-idle').first().waitFor({ timeout: 60_000 });
}

/** Loads a set made by `smallSet` through `Load data files` and waits for its model. */
export async function loadSmallSet(page, files, count) {
  await page.getByLabel('Load data files').setInputFiles(files);
  await page.locator('.data-result').filter({ hasText: `Loaded ${count} images` }).waitFor({ timeout: 60_000 });
  await waitIdle(page);
}

/**
 * A warm-up model trained for the link's 5 epochs, then a fresh one trained for 100, memory
 * measured at the end of each (both done, same architecture): the second run's growth is what
 * 100 epochs (and one model replaced) leave behind, with every kernel and cache already warm.
 * @returns {Promise<{ epochs: number, before: object, after: object, seconds: number }>}
 */
export async function trainEpochsMeasured(page, cdp) {
  const done = page.locator('.progress-head .status-done').first();
  await page.getByRole('button', { name: 'Train' }).click();
  await done.waitFor({ timeout: 120_000 });
  await settle(page); // the last map and weights after the end, drawn
  const before = await measureMemory(page, cdp);
  await page.getByLabel('Epochs').fill('100');
  const started = Date.now();
  // Train on a finished model builds a fresh one from the edited settings.
  await page.getByRole('button', { name: 'Train' }).click();
  await page.locator('.progress-head').first().filter({ hasText: /Epoch \d+ \/ 100/ }).waitFor({ timeout: 60_000 });
  await done.waitFor({ timeout: 300_000 });
  const seconds = (Date.now() - started) / 1000;
  await settle(page);
  const after = await measureMemory(page, cdp);
  return { epochs: 100, before, after, seconds };
}
