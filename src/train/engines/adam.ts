// Adam over the model's variables, shared by the engines that keep their weights in tfjs variables:
// each brings its gradients, this applies the update and keeps the moments it can export.
import * as tf from '../../lib/tf';
import { readTensors } from '../../model/weights';
import { adamUpdate } from './adamUpdate';
import { freeEach } from './freeAll';
import type { OptimizerState } from './trainingEngine';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;

/**
 * Adam (Kingma and Ba), written out here rather than using tf.train.adam because its moments must
 * be read at a chosen step and written synchronously to move training between backends, and tfjs
 * only exposes them through async getWeights/setWeights. The bias correction is computed in JS from the step count,
 * so a restored optimizer continues bit for bit. On the wasm backend with the engine's kernels the
 * update is one fused pass per variable (adamUpdate.ts) with the same float32 operations.
 */
export class Adam {
  iterations = 0;
  private readonly variables: tf.Variable[];
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  private readonly epsilon: number;

  constructor(
    variables: readonly tf.Variable[],
    private readonly learningRate: number,
  ) {
    this.variables = [...variables];
    // The backend's epsilon keeps the denominator representable on float16 (some WebGL) devices.
    this.epsilon = tf.backend().epsilon();
    const zeros = (variable: tf.Variable): tf.Variable =>
      tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
    this.firstMoments = variables.map(zeros);
    this.secondMoments = variables.map(zeros);
  }

  /** Compute the loss and its gradients, update every variable, and return the loss (caller disposes). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.applyGradients(this.variables.map((variable) => grads[variable.name]));
    return value;
  }

  /** Update every variable from its gradient (same order as the variables); disposes the gradients. */
  applyGradients(gradients: readonly tf.Tensor[]): void {
    this.iterations += 1;
    const firstCorrection = 1 - ADAM_BETA1 ** this.iterations;
    const secondRoot = Math.sqrt(1 - ADAM_BETA2 ** this.iterations);
    // lr * m_hat / (sqrt(v_hat) + eps), rearranged so the bias corrections are two JS numbers.
    const stepSize = (this.learningRate * secondRoot) / firstCorrection;
    const epsilon = this.epsilon * secondRoot;
    try {
      const slots = this.variables.map((variable, i) => ({
        variable,
        gradient: gradients[i],
        first: this.firstMoments[i],
        second: this.secondMoments[i],
      }));
      adamUpdate(slots, { beta1: ADAM_BETA1, beta2: ADAM_BETA2, stepSize, epsilon });
    } finally {
      tf.dispose([...gradients]);
    }
  }

  /** The moments as of this call: both reads start before the first await (see readTensors). */
  async exportState(): Promise<OptimizerState> {
    const iterations = this.iterations;
    const [firstMoments, secondMoments] = await Promise.all([readTensors(this.firstMoments), readTensors(this.secondMoments)]);
    return { iterations, firstMoments, secondMoments };
  }

  importState(state: OptimizerState): void {
    assertOptimizerFits(state, this.variables);
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        this.firstMoments[i].assign(tf.tensor(state.firstMoments.values[i].slice(), variable.shape, 'float32'));
        this.secondMoments[i].assign(tf.tensor(state.secondMoments.values[i].slice(), variable.shape, 'float32'));
      });
    });
    this.iterations = state.iterations;
  }

  dispose(): void {
    freeEach([...this.firstMoments, ...this.secondMoments]);
  }
}

/** Throws, naming what is wrong, unless `state` holds one moment of each variable's shape and a whole step count. */
export function assertOptimizerFits(state: OptimizerState, variables: readonly tf.Variable[]): void {
  for (const moments of [state.firstMoments, state.secondMoments]) {
    if (moments.shapes.length !== variables.length) {
      throw new Error(`Saved optimizer has moments for ${moments.shapes.length} variables, the model has ${variables.length}.`);
    }
    variables.forEach((variable, i) => {
      if (!sameShape(moments.shapes[i], variable.shape) || moments.values[i].length !== variable.size) {
        throw new Error(
          `Saved optimizer moment ${i} has shape [${moments.shapes[i].join(', ')}], ` +
            `its variable has [${variable.shape.join(', ')}].`,
        );
      }
    });
  }
  if (!Number.isInteger(state.iterations) || state.iterations < 0) {
    throw new Error(`Saved optimizer step count ${state.iterations} is not a whole number.`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
