// Benchmark of the CPU path's limit: f32 GEMM rates for a 256x784 @ 784x128 product in a worker,
// tfjs's own wasm kernel (XNNPACK for this untransposed case) against the engine's SIMD GEMM, on
// operands already in its memory and through the registered tfjs kernel (copies included).
import * as tf from '@tensorflow/tfjs';
import { instantiateKernels, kernelBuild, loadKernelModule, type KernelBuild, type KernelModule } from '../engine/kernelModule';
import { installWasmKernels } from '../engine/wasmKernels';
import { activateBackend, setEngineKernelsEnabled, wasmThreads } from '../backends/activate';

export interface GemmBenchResult {
  /** GFLOP/s of tf.matMul on the wasm backend with its own kernels. */
  tfjsGflops: number;
  /** GFLOP/s of the engine's GEMM on operands in its own memory. */
  engineGflops: number;
  /** GFLOP/s of tf.matMul on the wasm backend with the engine's kernels (copies in and out included). */
  engineKernelGflops: number;
  threads: number;
  /** The engine build in use: relaxed SIMD (fused multiply-add) where the browser validates it. */
  build: KernelBuild;
  /** GFLOP/s of the plain SIMD128 build on the same operands, for the gain of the relaxed one (null when plain runs). */
  plainEngineGflops: number | null;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ seconds: number }>) => void) | null;
  postMessage(message: GemmBenchResult | { error: string }): void;
}
const scope = self as unknown as WorkerScope;

const [M, K, N] = [256, 784, 128];
const FLOP = 2 * M * K * N;

/** Best rate of `run` over rounds of repeated calls within `seconds`: the machine is shared and noisy. */
function bestGflops(run: () => void, seconds: number): number {
  run();
  let best = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    const repeats = 5;
    for (let i = 0; i < repeats; i++) run();
    best = Math.max(best, (repeats * FLOP) / ((performance.now() - started) / 1000) / 1e9);
  }
  return best;
}

function tfMatMulRate(seconds: number): number {
  const a = tf.randomUniform([M, K], -1, 1, 'float32', 1);
  const b = tf.randomUniform([K, N], -1, 1, 'float32', 2);
  const rate = bestGflops(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, seconds);
  tf.dispose([a, b]);
  return rate;
}

/** The engine's GEMM on operands already in its memory. */
function engineRate(kernels: KernelModule, seconds: number): number {
  kernels.reset();
  const aAt = kernels.allocFloats(M * K);
  const bAt = kernels.allocFloats(K * N);
  const cAt = kernels.allocFloats(M * N);
  const floats = kernels.floats();
  for (let i = 0; i < M * K; i++) floats[aAt / 4 + i] = Math.sin(i);
  for (let i = 0; i < K * N; i++) floats[bAt / 4 + i] = Math.cos(i);
  const mark = kernels.allocFloats(0);
  const rate = bestGflops(() => {
    kernels.gemmAt(aAt, bAt, cAt, M, N, K, false, false);
    kernels.rewind(mark);
  }, seconds);
  kernels.reset();
  return rate;
}

async function run(seconds: number): Promise<GemmBenchResult> {
  setEngineKernelsEnabled(false);
  await activateBackend('wasm');
  const tfjsGflops = tfMatMulRate(seconds);

  const engineGflops = engineRate(await loadKernelModule(), seconds);
  const build = kernelBuild();
  const plainEngineGflops = build === 'simd' ? null : engineRate(await instantiateKernels('simd'), seconds);

  await installWasmKernels();
  const engineKernelGflops = tfMatMulRate(seconds);
  return { tfjsGflops, engineGflops, engineKernelGflops, threads: wasmThreads(), build, plainEngineGflops };
}

scope.onmessage = async ({ data }) => {
  try {
    scope.postMessage(await run(data.seconds));
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
