// A linear probe: multinomial logistic (softmax) regression trained on fixed features, the
// standard test of how much class information a representation holds in a linearly readable form.
// Plain JavaScript, seeded and deterministic, so a worker can run it next to training.
import { createRng, shuffleInPlace } from '../lib/rng';

/** Rows of features back to back: row i is values[i * dim .. (i + 1) * dim). */
export interface FeatureTable {
  values: ArrayLike<number>;
  dim: number;
}

export interface ProbeOptions {
  classCount: number;
  /** Seeds the batch order; the weights start at zero. */
  seed: number;
  /**
   * Work budget in multiply-adds (rows x dim x classes per epoch): the epoch count follows from it,
   * so small features get many passes and raw pixels a few, and the result never depends on timing.
   */
  budget?: number;
  /** Overrides the budget. */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty on the weights, per row. */
  l2?: number;
  /**
   * Subtract each feature's mean before scaling (default true). Raw pixels are mostly zero; left
   * uncentred they stay zero, and the probe skips them, several times faster for the same answer
   * (the bias absorbs the offset).
   */
  centre?: boolean;
}

export interface SoftmaxProbe {
  dim: number;
  classCount: number;
  /** Standardisation fitted on the training rows: (x - mean) / scale. */
  mean: Float64Array;
  scale: Float64Array;
  /** [dim, classCount], row-major. */
  weights: Float64Array;
  bias: Float64Array;
  epochs: number;
}

const DEFAULT_BUDGET = 1.5e9;
const MIN_EPOCHS = 3;
const MAX_EPOCHS = 60;

/** Train on `rows` of `table`; `labels[row]` is each row's class. */
export function trainSoftmaxProbe(
  table: FeatureTable,
  labels: ArrayLike<number>,
  rows: Int32Array,
  options: ProbeOptions,
): SoftmaxProbe {
  const { dim, values } = table;
  const classCount = options.classCount;
  if (classCount < 1) throw new RangeError('A probe needs at least one class.');
  if (rows.length === 0) throw new RangeError('A probe needs training rows.');
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 0.01;
  const l2 = options.l2 ?? 1e-4;
  const perEpoch = rows.length * dim * classCount;
  const epochs =
    options.epochs ??
    Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, Math.floor((options.budget ?? DEFAULT_BUDGET) / Math.max(1, perEpoch))));

  // Standardise so one learning rate suits codes, pixels and PCA scores alike.
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (const row of rows) for (let j = 0; j < dim; j++) mean[j] += values[row * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= rows.length;
  for (const row of rows) {
    for (let j = 0; j < dim; j++) {
      const d = values[row * dim + j] - mean[j];
      scale[j] += d * d;
    }
  }
  // A constant feature (an always-black border pixel) keeps scale 1: it then contributes nothing
  // when centred, and a constant the bias could equally hold when not.
  for (let j = 0; j < dim; j++) scale[j] = scale[j] > 0 ? Math.sqrt(scale[j] / rows.length) : 1;
  if (options.centre === false) mean.fill(0);

  const weights = new Float64Array(dim * classCount);
  const bias = new Float64Array(classCount);
  // Adam moments for weights and biases.
  const mW = new Float64Array(weights.length);
  const vW = new Float64Array(weights.length);
  const mB = new Float64Array(classCount);
  const vB = new Float64Array(classCount);
  const gradW = new Float64Array(weights.length);
  const gradB = new Float64Array(classCount);
  const x = new Float64Array(dim);
  const logits = new Float64Array(classCount);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-8;
  let step = 0;

  const order = rows.slice();
  const rng = createRng(options.seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, rng);
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(order.length, start + batchSize);
      gradW.fill(0);
      gradB.fill(0);
      for (let b = start; b < end; b++) {
        const row = order[b];
        for (let j = 0; j < dim; j++) x[j] = (values[row * dim + j] - mean[j]) / scale[j];
        softmaxInto(x, weights, bias, dim, classCount, logits);
        logits[labels[row]] -= 1; // d(cross-entropy)/d(logit) = p - onehot
        for (let j = 0; j < dim; j++) {
          const xj = x[j];
          if (xj === 0) continue;
          const offset = j * classCount;
          for (let c = 0; c < classCount; c++) gradW[offset + c] += xj * logits[c];
        }
        for (let c = 0; c < classCount; c++) gradB[c] += logits[c];
      }
      const inverse = 1 / (end - start);
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      for (let i = 0; i < weights.length; i++) {
        const g = gradW[i] * inverse + l2 * weights[i];
        mW[i] = beta1 * mW[i] + (1 - beta1) * g;
        vW[i] = beta2 * vW[i] + (1 - beta2) * g * g;
        weights[i] -= (learningRate * (mW[i] / correction1)) / (Math.sqrt(vW[i] / correction2) + epsilon);
      }
      for (let c = 0; c < classCount; c++) {
        const g = gradB[c] * inverse;
        mB[c] = beta1 * mB[c] + (1 - beta1) * g;
        vB[c] = beta2 * vB[c] + (1 - beta2) * g * g;
        bias[c] -= (learningRate * (mB[c] / correction1)) / (Math.sqrt(vB[c] / correction2) + epsilon);
      }
    }
  }
  return { dim, classCount, mean, scale, weights, bias, epochs };
}

/** The probe's class for each of `rows`. */
export function predictProbe(probe: SoftmaxProbe, table: FeatureTable, rows: Int32Array): Uint8Array {
  const { dim, classCount } = probe;
  if (table.dim !== dim) throw new RangeError(`The probe reads ${dim} features, the table has ${table.dim}.`);
  const predicted = new Uint8Array(rows.length);
  const x = new Float64Array(dim);
  const scores = new Float64Array(classCount);
  rows.forEach((row, i) => {
    for (let j = 0; j < dim; j++) x[j] = (table.values[row * dim + j] - probe.mean[j]) / probe.scale[j];
    softmaxInto(x, probe.weights, probe.bias, dim, classCount, scores);
    let best = 0;
    for (let c = 1; c < classCount; c++) if (scores[c] > scores[best]) best = c;
    predicted[i] = best;
  });
  return predicted;
}

/** counts[true * classCount + predicted]: rows are the true classes. */
export function confusionMatrix(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): Uint32Array {
  const counts = new Uint32Array(classCount * classCount);
  for (let i = 0; i < predicted.length; i++) counts[trueLabels[i] * classCount + predicted[i]]++;
  return counts;
}

/** Share of the confusion matrix on its diagonal; NaN for no rows. */
export function accuracyOf(confusion: Uint32Array, classCount: number): number {
  let total = 0;
  let right = 0;
  for (let t = 0; t < classCount; t++) {
    for (let p = 0; p < classCount; p++) {
      total += confusion[t * classCount + p];
      if (t === p) right += confusion[t * classCount + p];
    }
  }
  return total > 0 ? right / total : NaN;
}

export interface ProbeResult {
  /** Held-out accuracy in [0, 1]. */
  accuracy: number;
  /** Held-out confusion matrix, rows true class, columns predicted. */
  confusion: Uint32Array;
  epochs: number;
}

/** Train on `trainRows`, judge on `testRows`: the figure a Features tab shows. */
export function probeAccuracy(
  table: FeatureTable,
  labels: ArrayLike<number>,
  trainRows: Int32Array,
  testRows: Int32Array,
  options: ProbeOptions,
): ProbeResult {
  const probe = trainSoftmaxProbe(table, labels, trainRows, options);
  const predicted = predictProbe(probe, table, testRows);
  const truth = Array.from(testRows, (row) => labels[row]);
  const confusion = confusionMatrix(truth, predicted, options.classCount);
  return { accuracy: accuracyOf(confusion, options.classCount), confusion, epochs: probe.epochs };
}

/** Class probabilities of one standardised row, written into `out`. */
function softmaxInto(x: Float64Array, weights: Float64Array, bias: Float64Array, dim: number, classCount: number, out: Float64Array): void {
  for (let c = 0; c < classCount; c++) out[c] = bias[c];
  for (let j = 0; j < dim; j++) {
    const xj = x[j];
    if (xj === 0) continue;
    const offset = j * classCount;
    for (let c = 0; c < classCount; c++) out[c] += xj * weights[offset + c];
  }
  let largest = -Infinity;
  for (let c = 0; c < classCount; c++) largest = Math.max(largest, out[c]);
  let sum = 0;
  for (let c = 0; c < classCount; c++) {
    out[c] = Math.exp(out[c] - largest);
    sum += out[c];
  }
  for (let c = 0; c < classCount; c++) out[c] /= sum;
}
