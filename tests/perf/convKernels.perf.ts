// Each convolution of the default conv kind's training step at batch 128, timed on the wasm backend
// with the engine's direct kernels and with the im2col path they replace: CPU ms inside the kernel per call, best of 5.
// Run: npx vitest run -c tests/perf/vitest.config.ts tests/perf/convKernels.perf.ts
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { setDirectConvEnabled } from '../../src/engine/convKernels';
import { installWasmKernels } from '../../src/engine/wasmKernels';
import { randomValues } from '../fixtures/wasmEngine';

/** CPU time of this process in ms (the machine is shared: wall time measures the neighbours too). */
function now(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU ms spent inside the kernel named `timedKernel` since the last reset (tfjs's op and tape bookkeeping left out). */
let kernelMs = 0;
let timedKernel = '';
const TIMED = new Set(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);

function timeConvKernels(): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    if (!TIMED.has(config.kernelName)) continue;
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (config.kernelName !== timedKernel) return inner(args);
        const started = now();
        const result = inner(args);
        kernelMs += now() - started;
        return result;
      },
    });
  }
}

const B = 128;
const tensorOf = (shape: number[], seed: number) => tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape);

/** [label, multiply-adds per call, op]: the kernel each op dispatches is in its label. */
const OPS: [string, number, (t: (shape: number[]) => tf.Tensor) => tf.Tensor][] = [
  ['Conv2D 28x28x1 -> 14x14x16', B * 196 * 9 * 16, (t) => tf.conv2d(t([B, 28, 28, 1]) as tf.Tensor4D, t([3, 3, 1, 16]) as tf.Tensor4D, 2, 'same')],
  ['Conv2D 14x14x16 -> 7x7x32', B * 49 * 144 * 32, (t) => tf.conv2d(t([B, 14, 14, 16]) as tf.Tensor4D, t([3, 3, 16, 32]) as tf.Tensor4D, 2, 'same')],
  ['Conv2D 28x28x16 -> 14x14x32', B * 196 * 144 * 32, (t) => tf.conv2d(t([B, 28, 28, 16]) as tf.Tensor4D, t([3, 3, 16, 32]) as tf.Tensor4D, 2, 'same')],
  ['Conv2D 14x14x32 -> 7x7x32', B * 49 * 288 * 32, (t) => tf.conv2d(t([B, 14, 14, 32]) as tf.Tensor4D, t([3, 3, 32, 32]) as tf.Tensor4D, 2, 'same')],
  ['FusedConv2D 28x28x16 -> 1, bias', B * 784 * 144, (t) =>
    tf.fused.conv2d({ x: t([B, 28, 28, 16]) as tf.Tensor4D, filter: t([3, 3, 16, 1]) as tf.Tensor4D, strides: 1, pad: 'same', bias: t([1]) })],
  ['BackpropInput 7x7x32 -> 14x14x32 (transposed)', B * 49 * 288 * 32, (t) =>
    tf.conv2dTranspose(t([B, 7, 7, 32]) as tf.Tensor4D, t([3, 3, 32, 32]) as tf.Tensor4D, [B, 14, 14, 32], 2, 'same')],
  ['BackpropInput 14x14x32 -> 28x28x16 (transposed)', B * 196 * 144 * 32, (t) =>
    tf.conv2dTranspose(t([B, 14, 14, 32]) as tf.Tensor4D, t([3, 3, 16, 32]) as tf.Tensor4D, [B, 28, 28, 16], 2, 'same')],
  ['BackpropInput 7x7x32 -> 14x14x16', B * 49 * 144 * 32, (t) =>
    tf.conv2dTranspose(t([B, 7, 7, 32]) as tf.Tensor4D, t([3, 3, 16, 32]) as tf.Tensor4D, [B, 14, 14, 16], 2, 'same')],
  ['BackpropInput 28x28x1 -> 28x28x16 (s1)', B * 784 * 144, (t) =>
    tf.conv2dTranspose(t([B, 28, 28, 1]) as tf.Tensor4D, t([3, 3, 16, 1]) as tf.Tensor4D, [B, 28, 28, 16], 1, 'same')],
];

/** Weight gradients: [label, multiply-adds, x shape, filter shape, stride]. */
const FILTER_GRADS: [string, number, number[], [number, number, number, number], number][] = [
  ['BackpropFilter x 28x28x1, dy 14x14x16', B * 196 * 9 * 16, [B, 28, 28, 1], [3, 3, 1, 16], 2],
  ['BackpropFilter x 14x14x16, dy 7x7x32', B * 49 * 144 * 32, [B, 14, 14, 16], [3, 3, 16, 32], 2],
  ['BackpropFilter x 28x28x16, dy 14x14x32', B * 196 * 144 * 32, [B, 28, 28, 16], [3, 3, 16, 32], 2],
  ['BackpropFilter x 14x14x32, dy 7x7x32', B * 49 * 288 * 32, [B, 14, 14, 32], [3, 3, 32, 32], 2],
  ['BackpropFilter x 28x28x16, dy 28x28x1', B * 784 * 144, [B, 28, 28, 16], [3, 3, 16, 1], 1],
];

function bestMs(run: () => void): number {
  run();
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    kernelMs = 0;
    run();
    best = Math.min(best, kernelMs);
  }
  return best;
}

it('times each conv of the conv kind, direct against im2col', async () => {
  setWasmPaths(`${resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(await installWasmKernels()).toBe(true);
  timeConvKernels();
  const lines: string[] = ['kernel                                              direct ms  GFLOP/s   im2col ms  GFLOP/s'];
  const row = (label: string, macs: number, run: () => void) => {
    timedKernel = label.split(' ')[0] === 'BackpropInput' || label.split(' ')[0] === 'BackpropFilter' ? `Conv2D${label.split(' ')[0]}` : label.split(' ')[0];
    const times = [true, false].map((direct) => {
      setDirectConvEnabled(direct);
      return bestMs(run);
    });
    setDirectConvEnabled(true);
    const rate = (ms: number) => ((2 * macs) / ms / 1e6).toFixed(1).padStart(7);
    lines.push(`${label.padEnd(50)} ${times[0].toFixed(2).padStart(8)} ${rate(times[0])} ${times[1].toFixed(2).padStart(10)} ${rate(times[1])}`);
  };
  let seed = 1;
  for (const [label, macs, op] of OPS) {
    const inputs = new Map<string, tf.Tensor>();
    const t = (shape: number[]) => {
      const key = shape.join('x');
      if (!inputs.has(key)) inputs.set(key, tensorOf(shape, seed++));
      return inputs.get(key) as tf.Tensor;
    };
    op(t).dispose();
    row(label, macs, () => tf.tidy(() => op(t)).dispose());
    tf.dispose([...inputs.values()]);
  }
  for (const [label, macs, xShape, filterShape, stride] of FILTER_GRADS) {
    const x = tensorOf(xShape, seed++) as tf.Tensor4D;
    const filter = tensorOf(filterShape, seed++) as tf.Tensor4D;
    const dy = tf.conv2d(x, filter, stride, 'same');
    const grad = () => tf.tidy(() => tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, stride, 'same').mul(dy).sum())(filter)).dispose();
    row(label, macs, grad);
    tf.dispose([x, filter, dy]);
  }
  console.log(lines.join('\n'));
});
