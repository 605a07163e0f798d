// Turns the settings form's raw text into an ExperimentConfig, or says field by field what is wrong.
// Parsing is strict on purpose: "2.5", "1e" or "12abc" in a whole-number field is refused rather
// than quietly rounded or truncated, so what trains is exactly what the user typed.
import type { ImageShape } from '../data/dataset';
import type { Activation, ExperimentConfig, ReconstructionLoss } from './spec';

/** The settings form's fields, exactly as typed. */
export interface RawSettings {
  latentDim: string;
  /** Encoder hidden widths, outermost first, separated by commas, e.g. "256, 64"; empty for none. */
  hiddenSizes: string;
  activation: string;
  loss: string;
  learningRate: string;
  batchSize: string;
  epochs: string;
  seed: string;
}

export type SettingField = keyof RawSettings;

export type ValidationResult =
  | { ok: true; config: ExperimentConfig }
  | { ok: false; errors: Partial<Record<SettingField, string>> };

export const DEFAULT_RAW_SETTINGS: Readonly<RawSettings> = {
  latentDim: '2',
  hiddenSizes: '256, 64',
  activation: 'relu',
  loss: 'bce',
  learningRate: '0.002',
  batchSize: '128',
  epochs: '20',
  seed: '1',
};

// Records rather than arrays so the compiler insists on an entry for every member of each union.
const ACTIVATION_LABELS: Record<Activation, string> = {
  relu: 'ReLU',
  elu: 'ELU',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
};
const LOSS_LABELS: Record<ReconstructionLoss, string> = {
  bce: 'binary cross-entropy',
  mse: 'mean squared error',
};

/** Choices for the activation picker, with display labels. */
export const ACTIVATION_CHOICES = Object.entries(ACTIVATION_LABELS).map(([value, label]) => ({
  value: value as Activation,
  label,
}));
/** Choices for the loss picker, with display labels. */
export const LOSS_CHOICES = Object.entries(LOSS_LABELS).map(([value, label]) => ({
  value: value as ReconstructionLoss,
  label,
}));

export const LIMITS = {
  latentDim: { min: 2, max: 128 },
  hiddenSize: { min: 4, max: 2048 },
  hiddenLayers: { max: 4 },
  learningRate: { max: 1 },
  batchSize: { min: 1, max: 4096 },
  epochs: { min: 1, max: 1000 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

const WHOLE_NUMBER = /^\d+$/;
// Plain decimals with an optional exponent ("0.002", ".5", "2e-3"); no sign, no hex, no "Infinity".
const DECIMAL_NUMBER = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A whole number within [min, max], or null for anything else (empty, fraction, sign, junk). */
function parseWholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!WHOLE_NUMBER.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : null;
}

function wholeNumberMessage(subject: string, min: number, max: number): string {
  return `${subject} must be a whole number from ${min} to ${max}.`;
}

function parseHiddenSizes(text: string): number[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const pieces = trimmed.split(',');
  if (pieces.length > LIMITS.hiddenLayers.max) return null;
  const sizes: number[] = [];
  for (const piece of pieces) {
    const size = parseWholeNumber(piece, LIMITS.hiddenSize.min, LIMITS.hiddenSize.max);
    if (size === null) return null;
    sizes.push(size);
  }
  return sizes;
}

function isKeyOf<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/**
 * Check every field and build the config. All problems are reported at once, one message per
 * field, so the form can mark each field that needs attention.
 */
export function validateConfig(raw: RawSettings, inputShape: ImageShape): ValidationResult {
  const errors: Partial<Record<SettingField, string>> = {};

  const latentDim = parseWholeNumber(raw.latentDim, LIMITS.latentDim.min, LIMITS.latentDim.max);
  if (latentDim === null) {
    errors.latentDim = wholeNumberMessage('Latent size', LIMITS.latentDim.min, LIMITS.latentDim.max);
  }

  const hiddenSizes = parseHiddenSizes(raw.hiddenSizes);
  if (hiddenSizes === null) {
    errors.hiddenSizes =
      `Hidden layers must be up to ${LIMITS.hiddenLayers.max} whole numbers from ` +
      `${LIMITS.hiddenSize.min} to ${LIMITS.hiddenSize.max}, separated by commas.`;
  }

  const activation = raw.activation.trim();
  if (!isKeyOf(ACTIVATION_LABELS, activation)) {
    errors.activation = `Activation must be one of ${Object.keys(ACTIVATION_LABELS).join(', ')}.`;
  }

  const loss = raw.loss.trim();
  if (!isKeyOf(LOSS_LABELS, loss)) {
    errors.loss = `Loss must be one of ${Object.keys(LOSS_LABELS).join(', ')}.`;
  }

  const learningRateText = raw.learningRate.trim();
  const learningRate = DECIMAL_NUMBER.test(learningRateText) ? Number(learningRateText) : NaN;
  if (!(learningRate > 0 && learningRate <= LIMITS.learningRate.max)) {
    errors.learningRate = `Learning rate must be a number above 0 and at most ${LIMITS.learningRate.max}.`;
  }

  const batchSize = parseWholeNumber(raw.batchSize, LIMITS.batchSize.min, LIMITS.batchSize.max);
  if (batchSize === null) {
    errors.batchSize = wholeNumberMessage('Batch size', LIMITS.batchSize.min, LIMITS.batchSize.max);
  }

  const epochs = parseWholeNumber(raw.epochs, LIMITS.epochs.min, LIMITS.epochs.max);
  if (epochs === null) {
    errors.epochs = wholeNumberMessage('Epochs', LIMITS.epochs.min, LIMITS.epochs.max);
  }

  const seed = parseWholeNumber(raw.seed, LIMITS.seed.min, LIMITS.seed.max);
  if (seed === null) {
    errors.seed = wholeNumberMessage('Seed', LIMITS.seed.min, LIMITS.seed.max);
  }

  if (
    latentDim === null ||
    hiddenSizes === null ||
    !isKeyOf(ACTIVATION_LABELS, activation) ||
    !isKeyOf(LOSS_LABELS, loss) ||
    errors.learningRate !== undefined ||
    batchSize === null ||
    epochs === null ||
    seed === null
  ) {
    return { ok: false, errors };
  }

  return {
    ok: true,
    config: {
      spec: { kind: 'basic', inputShape, hiddenSizes, activation, latentDim, loss },
      training: { learningRate, batchSize, epochs, seed },
    },
  };
}
