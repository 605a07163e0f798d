// One Adam update of every variable: the engine's fused pass on the wasm backend, tensor ops on
// every other backend. Both do the same float32 operations in the same order.
import * as tf from '../../lib/tf';
import { fusedAdamEngine, fusedAdamUpdate, type AdamConstants, type AdamSlot } from '../../engine/fusedAdam';

export type { AdamConstants, AdamSlot };

/** m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g²; w -= (m · stepSize) / (√v + ε), as tensor ops. */
export function tensorAdamUpdate(slots: readonly AdamSlot[], constants: AdamConstants): void {
  const { beta1, beta2, stepSize, epsilon } = constants;
  tf.tidy(() => {
    for (const { variable, gradient, first, second } of slots) {
      first.assign(tf.add(tf.mul(first, beta1), tf.mul(gradient, 1 - beta1)));
      second.assign(tf.add(tf.mul(second, beta2), tf.mul(tf.square(gradient), 1 - beta2)));
      const update = tf.div(tf.mul(first, stepSize), tf.add(tf.sqrt(second), epsilon));
      variable.assign(tf.sub(variable, update));
    }
  });
}

/** The update on the fastest path this backend has. */
export function adamUpdate(slots: readonly AdamSlot[], constants: AdamConstants): void {
  const engine = fusedAdamEngine();
  if (engine) tf.tidy(() => fusedAdamUpdate(engine, slots, constants));
  else tensorAdamUpdate(slots, constants);
}
