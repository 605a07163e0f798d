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
import type { ImageShape } from '../../src/data/dataset';
import { DEFAULT_RAW_SETTINGS, validateConfig, type RawSettings } from '../../src/model/validate';
import { readUrlSettings } from '../../src/state/urlState';
import { Trainer } from '../../src/train/trainer';

const CANDIDATES = (process.env.DEFAULTS_CANDIDATES ?? '64:0.005,128:0.005,128:0.01,256:0.01,256:0.02,512:0.02')
  .split(',')
  .map((pair) => pair.split(':'));
const LINKS = process.env.DEFAULTS_LINKS?.split(';');

/** Each candidate as raw settings and a label: from DEFAULTS_LINKS if given, else DEFAULTS_CANDIDATES. */
function candidateSettings(shape: ImageShape): { label: string; raw: RawSettings }[] {
  const base: RawSettings = { ...DEFAULT_RAW_SETTINGS, epochs: '1000' };
  if (LINKS) {
    return LINKS.map((link) => {
      const { raw, problems } = readUrlSettings(link, base, shape);
      if (problems.length > 0) throw new Error(problems.join(' '));
      return { label: link || 'defaults', raw };
    });
  }
  return CANDIDATES.map(([batch, lr, hidden, activationField]) => {
    const hiddenSizes = hidden ? hidden.split('-').join(', ') : DEFAULT_RAW_SETTINGS.hiddenSizes;
    const activation = activationField || DEFAULT_RAW_SETTINGS.activation;
    return {
      label: `batch ${batch} lr ${lr} hidden ${hiddenSizes} ${activation}`,
      raw: { ...base, batchSize: batch, learningRate: lr, hiddenSizes, activation },
    };
  });
}
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
  for (const { label, raw } of candidateSettings(dataset.shape)) {
    const settings = validateConfig(raw, dataset.shape);
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
    lines.push(`${label}: ${scores.join(', ')}`);
    console.log(lines[lines.length - 1]);
    trainer.dispose();
  }
});
