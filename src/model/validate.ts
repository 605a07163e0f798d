// Turns the settings form's raw text into an ExperimentConfig, or says field by field what is wrong.
// Parsing is strict on purpose: "2.5", "1e" or "12abc" in a whole-number field is refused rather
// than quietly rounded or truncated, so what trains is exactly what the user typed.
import type { ImageShape } from '../data/dataset';
import {
  contractiveJacobianFloats,
  DEFAULT_KIND_OPTIONS,
  type Activation,
  type AutoencoderKind,
  type AutoencoderSpec,
  type Body,
  type ExperimentConfig,
  type KindOptions,
  type NoiseType,
  type ReconstructionLoss,
  type SparsityType,
} from './spec';

/**
 * The fields that choose the autoencoder kind and its own settings, exactly as typed. Each kind
 * reads only its own (see `KIND_FIELDS`); the others are ignored, whatever they hold.
 */
export interface KindRawSettings {
  /** One of `KIND_CHOICES`. */
  kind: string;
  /** convolutional, denoising with a conv body: filters per stride-2 conv layer, e.g. "16, 32". */
  convFilters: string;
  /** denoising: "dense" or "conv". */
  body: string;
  /** denoising: one of `NOISE_CHOICES`. */
  noiseType: string;
  /** denoising: std of Gaussian noise, or fraction of pixels hit, above 0 and at most 1. */
  noiseLevel: string;
  /** sparse: "l1" or "kl". */
  sparsityType: string;
  /** sparse: weight of the penalty, 0 to 100. */
  sparsityWeight: string;
  /** sparse, kl only: target mean activation rho, above 0 and below 1. */
  sparsityTarget: string;
  /** variational: weight of the KL term, 0 to 100. */
  beta: string;
  /** contractive: weight lambda of the Jacobian penalty, 0 to 100. */
  contractiveWeight: string;
}

/** A kind setting field. */
export type KindSettingField = keyof KindRawSettings;

/**
 * The settings form's fields, exactly as typed. The kind fields are optional so settings saved
 * before kinds existed stay valid: a missing one takes its default (`DEFAULT_KIND_RAW_SETTINGS`).
 */
export interface RawSettings extends Partial<KindRawSettings> {
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

/** The fields every kind reads (the kind fields are `KindSettingField`). */
export type SettingField = Exclude<keyof RawSettings, KindSettingField>;

/** Any field of the form. */
export type AnySettingField = SettingField | KindSettingField;

export type ValidationResult =
  | { ok: true; config: ExperimentConfig }
  | { ok: false; errors: Partial<Record<AnySettingField, string>> };

/** The kind fields' defaults: the basic kind, and each kind's settings as `DEFAULT_KIND_OPTIONS`. */
export const DEFAULT_KIND_RAW_SETTINGS: Readonly<KindRawSettings> = {
  kind: 'basic',
  convFilters: DEFAULT_KIND_OPTIONS.convFilters.join(', '),
  body: DEFAULT_KIND_OPTIONS.body,
  noiseType: DEFAULT_KIND_OPTIONS.noiseType,
  noiseLevel: String(DEFAULT_KIND_OPTIONS.noiseLevel),
  sparsityType: DEFAULT_KIND_OPTIONS.sparsityType,
  sparsityWeight: String(DEFAULT_KIND_OPTIONS.sparsityWeight),
  sparsityTarget: String(DEFAULT_KIND_OPTIONS.sparsityTarget),
  beta: String(DEFAULT_KIND_OPTIONS.beta),
  contractiveWeight: String(DEFAULT_KIND_OPTIONS.contractiveWeight),
};

export const DEFAULT_RAW_SETTINGS: Readonly<RawSettings> = {
  latentDim: '2',
  hiddenSizes: '128, 32',
  activation: 'relu',
  loss: 'bce',
  // Batch 128, learning rate 0.01 and 100 epochs since the hand-written dense gradients: the map is
  // best at 10, 30 and 60 s of training with these, and 100 epochs (about a minute on a 2-core
  // machine without a GPU) keep training while the map still improves (docs/engine.md, "Defaults").
  learningRate: '0.01',
  batchSize: '128',
  epochs: '100',
  seed: '1',
  ...DEFAULT_KIND_RAW_SETTINGS,
};

// Records rather than arrays so the compiler insists on an entry for every member of each union.
const ACTIVATION_LABELS: Record<Activation, string> = {
  relu: 'ReLU',
  elu: 'ELU',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
};
const LOSS_LABELS: Record<ReconstructionLoss, string> = {
  bce: 'cross-entropy',
  mse: 'squared error',
};

const KIND_LABELS: Record<AutoencoderKind, string> = {
  basic: 'Basic',
  convolutional: 'Convolutional',
  denoising: 'Denoising',
  sparse: 'Sparse',
  variational: 'Variational',
  contractive: 'Contractive',
};
const BODY_LABELS: Record<Body, string> = {
  dense: 'dense',
  conv: 'convolutional',
};
const NOISE_LABELS: Record<NoiseType, string> = {
  gaussian: 'Gaussian noise',
  'salt-pepper': 'salt and pepper',
  masking: 'masking (dropped pixels)',
};
const SPARSITY_LABELS: Record<SparsityType, string> = {
  kl: 'KL to a target rate',
  l1: 'L1 on activations',
};

/**
 * The kind fields each kind reads, so a form can show just those. Denoising reads convFilters only
 * with a conv body, sparse reads sparsityTarget only with the kl penalty.
 */
export const KIND_FIELDS: Readonly<Record<AutoencoderKind, readonly KindSettingField[]>> = {
  basic: [],
  convolutional: ['convFilters'],
  denoising: ['body', 'convFilters', 'noiseType', 'noiseLevel'],
  sparse: ['sparsityType', 'sparsityWeight', 'sparsityTarget'],
  variational: ['beta'],
  contractive: ['contractiveWeight'],
};

function choices<T extends string>(labels: Record<T, string>): { value: T; label: string }[] {
  return Object.entries(labels).map(([value, label]) => ({ value: value as T, label: label as string }));
}

/** Choices for the kind picker, with display labels. */
export const KIND_CHOICES = choices(KIND_LABELS);
/** Choices for the denoising body picker. */
export const BODY_CHOICES = choices(BODY_LABELS);
/** Choices for the noise picker. */
export const NOISE_CHOICES = choices(NOISE_LABELS);
/** Choices for the sparsity penalty picker. */
export const SPARSITY_CHOICES = choices(SPARSITY_LABELS);

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
  convFilter: { min: 1, max: 256 },
  convLayers: { min: 1, max: 4 },
  noiseLevel: { max: 1 },
  sparsityWeight: { max: 100 },
  beta: { max: 100 },
  contractiveWeight: { max: 100 },
  /** batch * latent * widest hidden layer of the contractive penalty: 64 Mi floats, 256 MB. */
  contractiveJacobianFloats: 2 ** 26,
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

/** A plain decimal, or NaN for anything else. */
function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL_NUMBER.test(trimmed) ? Number(trimmed) : NaN;
}

function parseConvFilters(text: string): number[] | null {
  const pieces = text.trim().split(',');
  if (text.trim() === '' || pieces.length > LIMITS.convLayers.max) return null;
  const filters: number[] = [];
  for (const piece of pieces) {
    const count = parseWholeNumber(piece, LIMITS.convFilter.min, LIMITS.convFilter.max);
    if (count === null) return null;
    filters.push(count);
  }
  return filters;
}

function choiceMessage(subject: string, labels: object): string {
  return `${subject} must be one of ${Object.keys(labels).join(', ')}.`;
}

/**
 * The kind's own options from its fields (missing ones take their defaults), recording a message
 * per bad field in `errors`; null if any is bad. Fields the kind does not read are not looked at.
 */
function validateKindOptions(
  raw: RawSettings,
  kind: AutoencoderKind,
  errors: Partial<Record<AnySettingField, string>>,
): Partial<KindOptions> | null {
  const text = (field: KindSettingField): string => raw[field] ?? DEFAULT_KIND_RAW_SETTINGS[field];
  const options: Partial<KindOptions> = {};
  let ok = true;
  const fail = (field: KindSettingField, message: string): void => {
    errors[field] = message;
    ok = false;
  };
  const readConvFilters = (): void => {
    const filters = parseConvFilters(text('convFilters'));
    if (filters === null) {
      fail(
        'convFilters',
        `Conv filters must be ${LIMITS.convLayers.min} to ${LIMITS.convLayers.max} whole numbers from ` +
          `${LIMITS.convFilter.min} to ${LIMITS.convFilter.max}, separated by commas.`,
      );
    } else options.convFilters = filters;
  };
  // weight-like settings: 0 is allowed (it switches the term off), up to `max`.
  const readWeight = (field: 'sparsityWeight' | 'beta' | 'contractiveWeight', subject: string, max: number): void => {
    const value = parseDecimal(text(field));
    if (!(value >= 0 && value <= max)) fail(field, `${subject} must be a number from 0 to ${max}.`);
    else options[field] = value;
  };

  switch (kind) {
    case 'basic':
      break;
    case 'convolutional':
      readConvFilters();
      break;
    case 'denoising': {
      const body = text('body').trim();
      if (!isKeyOf(BODY_LABELS, body)) fail('body', choiceMessage('Body', BODY_LABELS));
      else {
        options.body = body;
        if (body === 'conv') readConvFilters();
      }
      const noiseType = text('noiseType').trim();
      if (!isKeyOf(NOISE_LABELS, noiseType)) fail('noiseType', choiceMessage('Noise type', NOISE_LABELS));
      else options.noiseType = noiseType;
      const noiseLevel = parseDecimal(text('noiseLevel'));
      if (!(noiseLevel > 0 && noiseLevel <= LIMITS.noiseLevel.max)) {
        fail('noiseLevel', `Noise level must be a number above 0 and at most ${LIMITS.noiseLevel.max}.`);
      } else options.noiseLevel = noiseLevel;
      break;
    }
    case 'sparse': {
      const sparsityType = text('sparsityType').trim();
      if (!isKeyOf(SPARSITY_LABELS, sparsityType)) fail('sparsityType', choiceMessage('Sparsity penalty', SPARSITY_LABELS));
      else options.sparsityType = sparsityType;
      readWeight('sparsityWeight', 'Sparsity weight', LIMITS.sparsityWeight.max);
      if (sparsityType === 'kl') {
        const target = parseDecimal(text('sparsityTarget'));
        if (!(target > 0 && target < 1)) fail('sparsityTarget', 'Target activation must be a number above 0 and below 1.');
        else options.sparsityTarget = target;
      }
      break;
    }
    case 'variational':
      readWeight('beta', 'Beta', LIMITS.beta.max);
      break;
    case 'contractive':
      readWeight('contractiveWeight', 'Contractive weight', LIMITS.contractiveWeight.max);
      break;
  }
  return ok ? options : null;
}

function isKeyOf<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/**
 * Check every field and build the config. All problems are reported at once, one message per
 * field, so the form can mark each field that needs attention.
 */
export function validateConfig(raw: RawSettings, inputShape: ImageShape): ValidationResult {
  const errors: Partial<Record<AnySettingField, string>> = {};

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

  const kind = (raw.kind ?? DEFAULT_KIND_RAW_SETTINGS.kind).trim();
  let kindOptions: Partial<KindOptions> | null = null;
  if (!isKeyOf(KIND_LABELS, kind)) {
    errors.kind = choiceMessage('Model kind', KIND_LABELS);
  } else {
    kindOptions = validateKindOptions(raw, kind, errors);
  }

  // The contractive penalty's memory grows with these three together, so they are checked together.
  if (
    kind === 'contractive' &&
    batchSize !== null &&
    latentDim !== null &&
    hiddenSizes !== null &&
    contractiveJacobianFloats({ latentDim, hiddenSizes }, batchSize) > LIMITS.contractiveJacobianFloats
  ) {
    errors.batchSize =
      `For a contractive autoencoder, batch size x latent size x widest hidden layer must be at most ` +
      `${LIMITS.contractiveJacobianFloats} (the Jacobian penalty holds that many numbers); lower one of them.`;
  }

  if (
    !isKeyOf(KIND_LABELS, kind) ||
    kindOptions === null ||
    errors.batchSize !== undefined ||
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

  const spec: AutoencoderSpec = { kind, inputShape, hiddenSizes, activation, latentDim, loss };
  // Only the options the kind reads, so two configs differ exactly when the models would.
  if (kind !== 'basic') spec.kindOptions = kindOptions;
  return {
    ok: true,
    config: { spec, training: { learningRate, batchSize, epochs, seed } },
  };
}
