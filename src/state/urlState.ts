// Settings that round-trip through the URL hash, so a lesson can be shared as a link
// (seed included: the same link trains the same model). A bad value in a link is reported and
// replaced by the default; it never stops the app from starting.
import { limitLinkProblems, quoteLinkText, trimLinkHash } from './linkGuard';
import { validateConfig, type AnySettingField, type RawSettings } from '../model/validate';
import type { ImageShape } from '../data/dataset';
import type { BackendName } from '../train/protocol';
import type { ProjectionKind } from '../latent/projection';
import { readViewKey, writeView, type LinkView } from './linkView';

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
/** `offline=now`: store the app for offline use at once rather than at the first quiet moment. */
const OFFLINE_KEY = 'offline';
/**
 * `threads=N`: at most N threads train on the CPU. The training worker reads it from the page's
 * address when it starts (train/engines/engineThreads.ts); here it is only checked.
 */
const THREADS_KEY = 'threads';
const PROJECTION_KEY = 'projection';
const PROJECTIONS: readonly ProjectionKind[] = ['none', 'pca', 'umap'];
const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface UrlSettings {
  raw: RawSettings;
  /** A backend named in the link, to use instead of measuring. */
  backend: BackendName | null;
  /** A projection named in the link. */
  projection: ProjectionKind | null;
  /** The link asks for the app to be stored for offline use at once (a teacher preparing a room). */
  offlineNow: boolean;
  /** The view the link sets (dataset, colouring, presenter mode, lesson step, hidden panels). */
  view: Partial<LinkView>;
  /** One sentence per ignored value, for a notice. */
  problems: string[];
}

export function readUrlSettings(hash: string, defaults: RawSettings, inputShape: ImageShape): UrlSettings {
  const trimmed = trimLinkHash(hash.replace(/^#/, ''));
  const params = new URLSearchParams(trimmed.hash);
  const raw: RawSettings = { ...defaults };
  const problems: string[] = trimmed.problem ? [trimmed.problem] : [];
  const seenKeys = new Set<string>();
  const fieldByKey = new Map(Object.entries(KEYS).map(([field, key]) => [key, field as AnySettingField]));
  let backend: BackendName | null = null;
  let projection: ProjectionKind | null = null;
  let offlineNow = false;
  const view: Partial<LinkView> = {};
  for (const [key, value] of params) {
    if (seenKeys.has(key)) problems.push(`The link gives ${quoteLinkText(key)} more than once; the last one counts.`);
    seenKeys.add(key);
    const viewKey = readViewKey(key, value);
    if (viewKey) {
      if (viewKey.parsed.ok) Object.assign(view, { [viewKey.key]: viewKey.parsed.value });
      else problems.push(viewKey.parsed.problem);
      continue;
    }
    if (key === PROJECTION_KEY) {
      if ((PROJECTIONS as readonly string[]).includes(value)) projection = value as ProjectionKind;
      else problems.push(`The link's projection ${quoteLinkText(value)} is unknown (use one of ${PROJECTIONS.join(', ')}).`);
      continue;
    }
    if (key === OFFLINE_KEY) {
      if (value === 'now') offlineNow = true;
      else problems.push(`The link's offline=${quoteLinkText(value)} is unknown (use offline=now); the app is stored for offline use when the page is idle.`);
      continue;
    }
    if (key === THREADS_KEY) {
      if (!/^[1-9]\d?$/.test(value)) problems.push(`The link's threads=${quoteLinkText(value)} is not a whole number from 1 to 99; the cores decide how many threads train.`);
      continue;
    }
    if (key === BACKEND_KEY) {
      if ((BACKENDS as readonly string[]).includes(value)) backend = value as BackendName;
      else problems.push(`The link's backend ${quoteLinkText(value)} is unknown (use one of ${BACKENDS.join(', ')}); the fastest is measured instead.`);
      continue;
    }
    const field = fieldByKey.get(key);
    if (!field) {
      problems.push(`The link's setting ${quoteLinkText(key)} is unknown and was ignored.`);
      continue;
    }
    raw[field] = value;
  }
  // Check the combined settings; each bad field goes back to its default with the reason.
  const result = validateConfig(raw, inputShape);
  if (!result.ok) {
    for (const [field, message] of Object.entries(result.errors) as [AnySettingField, string][]) {
      problems.push(`The link's ${KEYS[field]}=${quoteLinkText(raw[field] ?? '')} was ignored: ${message}`);
      raw[field] = defaults[field] as string;
    }
  }
  return { raw, backend, projection, offlineNow, view, problems: limitLinkProblems(problems) };
}

/**
 * The hash for these settings; only values that differ from the defaults are written, unless
 * `fields` names the ones to write whatever their value (a classroom link carries every setting).
 */
export function settingsToHash(raw: RawSettings, defaults: RawSettings, extra: LinkExtras = {}): string {
  const params = new URLSearchParams();
  for (const field of Object.keys(KEYS) as AnySettingField[]) {
    const value = raw[field]?.trim();
    if (value === undefined) continue;
    if (value !== defaults[field] || extra.fields?.includes(field)) params.set(KEYS[field], value);
  }
  if (extra.projection) params.set(PROJECTION_KEY, extra.projection);
  if (extra.view) writeView(params, extra.view);
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** What a link carries beyond the changed settings. */
export interface LinkExtras {
  /** Settings written even when they hold their default value. */
  fields?: readonly AnySettingField[];
  projection?: ProjectionKind;
  view?: Partial<LinkView>;
}
