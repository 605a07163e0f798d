// The engine for every model and backend: tfjs differentiates the kind's loss terms (with the
// engine's wasm kernels underneath where they are installed) and Adam updates the variables.
import * as tf from '../../lib/tf';
import { VariablesEngine } from './variablesEngine';

export class TfjsAutodiffEngine extends VariablesEngine {
  readonly name = 'tfjs autodiff';

  protected step(batch: Int32Array, seed: number): tf.Tensor {
    // Every term in one tensor, so reading them all costs the one device sync reading the loss did.
    const kept: { terms?: tf.Tensor } = {};
    try {
      tf.tidy(() => {
        // Gathered outside the loss function so the tape does not record it.
        const images = this.images.at(batch);
        this.optimizer.minimize(() => {
          // What gradient steps minimise: the kind's loss terms, whose `total` is the objective
          // (reconstruction plus the kind's weighted penalties: a VAE's KL term, a sparsity or
          // contractive penalty).
          const terms = this.model.lossTerms(images, { seed, training: true });
          // Kept past the gradient function's scope; the stack is off the path to the loss,
          // so backpropagation never visits it.
          kept.terms = tf.keep(tf.stack(this.model.termNames.map((name) => terms[name])));
          return terms.total;
        });
      });
    } catch (error) {
      kept.terms?.dispose();
      freeAbandonedTape();
      throw error;
    }
    return kept.terms as tf.Tensor;
  }
}

/**
 * tfjs frees the tensors a gradient's forward pass saved for backpropagation only when
 * backpropagation succeeds; a kernel failing part way (a backend without Conv2DBackpropFilter, say)
 * leaves them behind for good. Free them as tfjs would have, so a failed step leaks nothing.
 */
function freeAbandonedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) node.saved?.forEach((tensor) => tensor.dispose());
  state.activeTape = [];
}
