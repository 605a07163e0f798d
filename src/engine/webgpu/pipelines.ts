// Compiles the step's shaders into compute pipelines once per step object. A shader the device's
// compiler refuses becomes a WgslCompileError carrying the compiler's own messages, so the
// Trainer's notice can show them while training goes on with another engine.
import { ADAM_WGSL } from './wgsl/adam';
import { ACTIVATION_BACK_WGSL, BIAS_SUMS_WGSL } from './wgsl/backward';
import { BATCH_WGSL } from './wgsl/batch';
import { FINALIZE_WGSL, LOSS_WGSL, PENALTY_WGSL } from './wgsl/loss';
import { MATMUL_DIRECT_WGSL, MATMUL_WGSL } from './wgsl/matmul';

export class WgslCompileError extends Error {
  constructor(
    readonly shader: string,
    readonly compilerMessages: string,
  ) {
    super(`The WGSL shader "${shader}" did not compile: ${compilerMessages}`);
    this.name = 'WgslCompileError';
  }
}

export interface StepPipelines {
  batch: GPUComputePipeline;
  /** X . W with bias and activation. */
  forward: GPUComputePipeline;
  /** Xᵀ . dY: a kernel's gradient. */
  kernelGradient: GPUComputePipeline;
  /** dY . Wᵀ: the gradient at a layer's input. */
  inputGradient: GPUComputePipeline;
  activationBack: GPUComputePipeline;
  biasSums: GPUComputePipeline;
  loss: GPUComputePipeline;
  penalty: GPUComputePipeline;
  finalize: GPUComputePipeline;
  adam: GPUComputePipeline;
}

/** One compute pipeline from WGSL (entry point `main`), or a WgslCompileError with the compiler's messages. */
export async function compilePipeline(device: GPUDevice, name: string, code: string, constants?: Record<string, number>): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label: name, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((message) => message.type === 'error');
  if (errors.length > 0) {
    throw new WgslCompileError(name, errors.map((message) => `${message.lineNum}:${message.linePos} ${message.message}`).join('; '));
  }
  try {
    // Asynchronous, so a browser's thread is not held while the driver compiles.
    return await device.createComputePipelineAsync({ label: name, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
  } catch (error) {
    throw new WgslCompileError(name, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Which product shader: `tiled` stages operands in workgroup memory (what a GPU wants), `direct`
 * reads them straight from the buffers, for Vulkan on a CPU (llvmpipe), where workgroup memory
 * and barriers are emulated: there it ran the default model's step about twice as fast.
 * Chromium's own software adapter (SwiftShader) is the other way round: `tiled` trained the default
 * model at 277-297 img/s in the app where `direct` gave 204 (npm run bench -- --only gpu).
 */
export type ProductShader = 'tiled' | 'direct';

/** `direct` for Vulkan on a CPU (lavapipe reports 'software' and 'llvmpipe'), else `tiled` (SwiftShader included). */
export function productShaderFor(device: GPUDevice): ProductShader {
  // adapterInfo is newer than the WebGPU types this project builds against.
  const info = (device as { adapterInfo?: { architecture?: string; description?: string } }).adapterInfo;
  const words = `${info?.architecture ?? ''} ${info?.description ?? ''}`.toLowerCase();
  return /software|llvmpipe/.test(words) ? 'direct' : 'tiled';
}

// Pipelines depend on the device and the product shader, not on the model: a model switch reuses them.
const compiled = new WeakMap<GPUDevice, Map<ProductShader, Promise<StepPipelines>>>();

/** Every pipeline of the step, made once per device; rejects with a WgslCompileError naming the first shader that failed. */
export function compileStepPipelines(device: GPUDevice, products: ProductShader = productShaderFor(device)): Promise<StepPipelines> {
  let byShader = compiled.get(device);
  if (!byShader) {
    byShader = new Map();
    compiled.set(device, byShader);
  }
  let pipelines = byShader.get(products);
  if (!pipelines) {
    pipelines = compileAll(device, products === 'tiled' ? MATMUL_WGSL : MATMUL_DIRECT_WGSL);
    byShader.set(products, pipelines);
    // A failure is not kept: the next model tries again (and reports again).
    const cache = byShader;
    pipelines.catch(() => cache.delete(products));
  }
  return pipelines;
}

async function compileAll(device: GPUDevice, product: string): Promise<StepPipelines> {
  // All at once: each compile is an asynchronous request to the browser's GPU process (and the
  // driver's compiler), so one awaited after another paid every round trip and compile in turn.
  const [batch, forward, kernelGradient, inputGradient, activationBack, biasSums, loss, penalty, finalize, adam] = await Promise.all([
    compilePipeline(device, 'batch', BATCH_WGSL),
    compilePipeline(device, 'forward product', product),
    // Pipeline constants are numbers in the API; WGSL reads a non-zero one as true.
    compilePipeline(device, 'kernel gradient product', product, { TRANSPOSE_A: 1 }),
    compilePipeline(device, 'input gradient product', product, { TRANSPOSE_B: 1 }),
    compilePipeline(device, 'activation gradient', ACTIVATION_BACK_WGSL),
    compilePipeline(device, 'bias gradient', BIAS_SUMS_WGSL),
    compilePipeline(device, 'loss', LOSS_WGSL),
    compilePipeline(device, 'code penalty', PENALTY_WGSL),
    compilePipeline(device, 'loss terms', FINALIZE_WGSL),
    compilePipeline(device, 'adam', ADAM_WGSL),
  ]);
  return { batch, forward, kernelGradient, inputGradient, activationBack, biasSums, loss, penalty, finalize, adam };
}
