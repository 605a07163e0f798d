// The engine for dense chains on the wasm backend with the engine's kernels: the same objective
// as tfjs autodiff's, differentiated by hand in one pass (denseChainPlan.ts), then the same Adam.
import * as tf from '../../lib/tf';
import type { DenseChainPlan } from './denseChainPlan';
import type { EngineParts } from './trainingEngine';
import { VariablesEngine } from './variablesEngine';

export class DenseChainEngine extends VariablesEngine {
  readonly name = 'wasm dense step';

  constructor(
    parts: EngineParts,
    private readonly plan: DenseChainPlan,
  ) {
    super(parts);
  }

  protected step(batch: Int32Array, seed: number): tf.Tensor {
    return tf.tidy(() => {
      const images = this.images.at(batch);
      // The denoising kind's encoder sees its corrupted input, drawn by the model as in autodiff.
      const input = this.model.corrupt ? this.model.corrupt(images, seed) : images;
      const { terms, gradients } = this.plan.gradients(input, images);
      this.optimizer.applyGradients(gradients);
      return tf.tensor1d(this.model.termNames.map((name) => terms[name]), 'float32');
    });
  }
}
