// Adam's update of one variable as one pass of the engine's `adam` kernel over flat buffers, for
// the wasm backend: the tensor version costs about 14 kernel calls per variable, each with tfjs's
// bookkeeping, and 3 fresh tensors. The kernel does the same float32 operations in the same
// order, so weights and moments come out as the tensor version's, bit for bit.
import * as tf from '../lib/tf';
import { kernelModuleIfLoaded, type KernelModule } from './kernelModule';
import { copyIn, copyOut, type WasmBackendLike } from './wasmHeap';
import { wasmKernelsInstalled } from './wasmKernels';

/** One update's constants; stepSize and epsilon already carry the bias corrections. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  stepSize: number;
  epsilon: number;
}

/** One variable's update: its gradient, and its first and second moment estimates. */
export interface AdamSlot {
  variable: tf.Variable;
  gradient: tf.Tensor;
  first: tf.Variable;
  second: tf.Variable;
}

/** The engine's module when the fused pass can run on the current backend, else null. */
export function fusedAdamEngine(): KernelModule | null {
  if (tf.getBackend() !== 'wasm' || !wasmKernelsInstalled()) return null;
  return kernelModuleIfLoaded();
}

/**
 * Update every slot's variable and moments in place of the tensor ops (`engine` from
 * `fusedAdamEngine`). The new values go to fresh backend buffers that the variables then take,
 * rather than overwriting the old ones: another tensor may share a variable's data.
 */
export function fusedAdamUpdate(engine: KernelModule, slots: readonly AdamSlot[], constants: AdamConstants): void {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const { beta1, beta2, stepSize, epsilon } = constants;
  for (const { variable, gradient, first, second } of slots) {
    if (variable.dtype !== 'float32' || gradient.dtype !== 'float32') {
      throw new Error(`Adam: variable ${variable.name} is ${variable.dtype}, its gradient ${gradient.dtype}; both must be float32.`);
    }
    engine.reset();
    const w = copyIn(engine, backend, variable);
    const g = copyIn(engine, backend, gradient);
    const m = copyIn(engine, backend, first);
    const v = copyIn(engine, backend, second);
    engine.exports.adam(w, g, m, v, variable.size, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, epsilon);
    for (const [target, from] of [[variable, w], [first, m], [second, v]] as const) {
      const info = backend.makeOutput([...target.shape], 'float32');
      copyOut(engine, backend, from, info);
      const next = tf.engine().makeTensorFromTensorInfo(info);
      target.assign(next);
      next.dispose();
    }
  }
}
