// Time to a good map for candidate training settings: the built-in MNIST digits, the default model
// on wasm with the engine's kernels, held-out 5-NN accuracy on the map after 10, 30 and 60 s of
// this process's CPU time (the machine is shared; the map's encode and score are not counted).
// Run: npx vitest run -c tests/perf/vitest.config.ts tests/perf/defaults.perf.ts
//      (DEFAULTS_CANDIDATES="64:0.005,256:0.01,128:0.005:256-64,128:0.01::elu" to choose
//       batch:lr[:hidden sizes[:activation]], an empty field keeping the default;
//       DEFAULTS_SECONDS="10,30,60")
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'fflate';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { splitDataset } from '../../src/data/dataset';
import { parsePackedDataset } from '../../src/data/packedDataset';
import { installWasmKernels } from '../../src/engine/wasmKernels';
import { heldOutKnnAccuracy } from '../../src/latent/knn';
import { createRng } from '../../src/lib/rng';
import { DEFAULT_RAW_SETTINGS, validateConfig } from '../../src/model/validate';
import { Trainer } from '../../src/train/trainer';

const CANDIDATES = (process.env.DEFAULTS_CANDIDATES ?? '64:0.005,128:0.005,128:0.01,256:0.01,256:0.02,512:0.02')
  .split(',')
  .map((pair) => pair.split(':'));
const SECONDS = (process.env.DEFAULTS_SECONDS ?? '10,30,60').split(',').map(Number);

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

it('scores candidate defaults by held-out kNN accuracy after fixed CPU times', async () => {
  setWasmPaths(`${resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(await installWasmKernels()).toBe(true);
  const dataset = parsePackedDataset(gunzipSync(readFileSync('public/data/mnist.bin.gz')), 'MNIST digits');
  const count = dataset.labels.length;
  const split = splitDataset(count, Math.round(count * 0.1), createRng(20_240_601));
  const data = { images: dataset.images, shape: dataset.shape, train: split.train, heldOut: split.heldOut };
  const lines: string[] = [];
  for (const [batch, lr, hidden, activationField] of CANDIDATES) {
    const hiddenSizes = hidden ? hidden.split('-').join(', ') : DEFAULT_RAW_SETTINGS.hiddenSizes;
    const activation = activationField || DEFAULT_RAW_SETTINGS.activation;
    const settings = validateConfig({ ...DEFAULT_RAW_SETTINGS, batchSize: batch, learningRate: lr, hiddenSizes, activation, epochs: '1000' }, dataset.shape);
    if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
    const trainer = new Trainer(settings.config, data);
    let spent = 0;
    const scores: string[] = [];
    for (const target of SECONDS) {
      while (spent < target) {
        const started = cpuSeconds();
        await trainer.trainStep();
        spent += cpuSeconds() - started;
      }
      const codes = await trainer.encodeAll();
      const knn = heldOutKnnAccuracy(codes, dataset.labels, split.train, split.heldOut, 5);
      scores.push(`${target}s ${knn.toFixed(3)} (epoch ${(trainer.globalStep / trainer.stepsPerEpoch).toFixed(1)})`);
    }
    lines.push(`batch ${batch} lr ${lr} hidden ${hiddenSizes} ${activation}: ${scores.join(', ')}`);
    console.log(lines[lines.length - 1]);
    trainer.dispose();
  }
});
