// Settings that round-trip through the URL hash, so a lesson can be shared as a link
// (seed included: the same link trains the same model). A bad value in a link is reported and
// replaced by the default; it never stops the app from starting.
import { validateConfig, type AnySettingField, type RawSettings } from '../model/validate';
import type { ImageShape } from '../data/dataset';
import type { BackendName } from '../train/protocol';
import type { ProjectionKind } from '../latent/projection';

/** Short URL keys, one per setting. */
const KEYS: Record<AnySettingField, string> = {
  kind: 'kind',
  convFilters: 'filters',
  body: 'body',
  noiseType: 'noise',
  noiseLevel: 'noiseLevel',
  sparsityType: 'sparsity',
  sparsityWeight: 'sparsityWeight',
  sparsityTarget: 'rho',
  beta: 'beta',
  contractiveWeight: 'lambda',
  latentDim: 'latent',
  hiddenSizes: 'hidden',
  activation: 'activation',
  loss: 'loss',
  learningRate: 'lr',
  batchSize: 'batch',
  epochs: 'epochs',
  seed: 'seed',
};
const BACKEND_KEY = 'backend';
const PROJECTION_KEY = 'projection';
const PROJECTIONS: readonly ProjectionKind[] = ['none', 'pca', 'umap'];
const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface UrlSettings {
  raw: RawSettings;
  /** A backend named in the link, to use instead of measuring. */
  backend: BackendName | null;
  /** A projection named in the link. */
  projection: ProjectionKind | null;
  /** One sentence per ignored value, for a notice. */
  problems: string[];
}

export function readUrlSettings(hash: string, defaults: RawSettings, inputShape: ImageShape): UrlSettings {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const raw: RawSettings = { ...defaults };
  const problems: string[] = [];
  const fieldByKey = new Map(Object.entries(KEYS).map(([field, key]) => [key, field as AnySettingField]));
  let backend: BackendName | null = null;
  let projection: ProjectionKind | null = null;
  for (const [key, value] of params) {
    if (key === PROJECTION_KEY) {
      if ((PROJECTIONS as readonly string[]).includes(value)) projection = value as ProjectionKind;
      else problems.push(`The link's projection "${value}" is unknown (use one of ${PROJECTIONS.join(', ')}).`);
      continue;
    }
    if (key === BACKEND_KEY) {
      if ((BACKENDS as readonly string[]).includes(value)) backend = value as BackendName;
      else problems.push(`The link's backend "${value}" is unknown (use one of ${BACKENDS.join(', ')}); the fastest is measured instead.`);
      continue;
    }
    const field = fieldByKey.get(key);
    if (!field) {
      problems.push(`The link's setting "${key}" is unknown and was ignored.`);
      continue;
    }
    raw[field] = value;
  }
  // Check the combined settings; each bad field goes back to its default with the reason.
  const result = validateConfig(raw, inputShape);
  if (!result.ok) {
    for (const [field, message] of Object.entries(result.errors) as [AnySettingField, string][]) {
      problems.push(`The link's ${KEYS[field]}="${raw[field]}" was ignored: ${message}`);
      raw[field] = defaults[field] as string;
    }
  }
  return { raw, backend, projection, problems };
}

/** The hash for these settings; only values that differ from the defaults are written. */
export function settingsToHash(raw: RawSettings, defaults: RawSettings): string {
  const params = new URLSearchParams();
  for (const field of Object.keys(KEYS) as AnySettingField[]) {
    const value = raw[field]?.trim();
    if (value !== undefined && value !== defaults[field]) params.set(KEYS[field], value);
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}
