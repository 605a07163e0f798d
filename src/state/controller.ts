// The app's controller: turns UI intents into store actions and worker commands, and worker
// events into store actions. The only place that knows both the store and the training client.
import { loadBuiltInMnist } from '../data/packedDataset';
import { splitDataset, type Dataset } from '../data/dataset';
import { createRng } from '../lib/rng';
import { heldOutKnnAccuracy } from '../latent/knn';
import { axisProjection, type Projection } from '../latent/projection';
import { validateConfig, DEFAULT_RAW_SETTINGS, type RawSettings, type SettingField } from '../model/validate';
import type { ExperimentConfig } from '../model/spec';
import { TrainingClient } from '../train/client';
import type { BackendName, WorkerEvent } from '../train/protocol';
import { createStore, type Store } from './store';
import { initialState, reducer, type Action, type AppState, type ProbeState } from './appState';

/** Held-out images per dataset: the built-in MNIST gives 9,000 to train on and 1,000 to judge by. */
const HELD_OUT_SHARE = 0.1;
/** The split does not follow the training seed, so runs with different seeds are judged on the same images. */
const SPLIT_SEED = 20_240_601;

export type AppStore = Store<AppState, Action>;

export class AppController {
  readonly store: AppStore;
  private readonly client: TrainingClient;
  private projection: Projection | null = null;
  private projectionDim = 0;

  constructor(rawSettings: RawSettings = DEFAULT_RAW_SETTINGS) {
    this.store = createStore(reducer, initialState(rawSettings));
    this.client = new TrainingClient(
      (event) => this.onWorkerEvent(event),
      (text) => this.notify('warning', text),
    );
  }

  private get state(): AppState {
    return this.store.getState();
  }

  notify(kind: 'info' | 'warning' | 'error', text: string): void {
    this.store.dispatch({ type: 'notice', kind, text });
  }

  async loadBuiltInData(url: string): Promise<void> {
    try {
      this.useDataset(await loadBuiltInMnist(url));
    } catch (error) {
      const message = `Could not load the built-in digits: ${error instanceof Error ? error.message : String(error)}`;
      this.store.dispatch({ type: 'dataset-failed', message });
      this.notify('error', message);
    }
  }

  useDataset(dataset: Dataset): void {
    const count = dataset.labels.length;
    const split = splitDataset(count, Math.round(count * HELD_OUT_SHARE), createRng(SPLIT_SEED));
    this.store.dispatch({
      type: 'dataset-loaded',
      dataset: {
        name: dataset.name,
        count,
        shape: dataset.shape,
        classNames: dataset.classNames,
        labels: dataset.labels,
        images: dataset.images,
        split,
      },
    });
    // The worker gets its own copies: the pixel buffer is transferred, not shared.
    this.client.send({
      type: 'load-data',
      images: dataset.images.slice(),
      labels: dataset.labels.slice(),
      shape: dataset.shape,
      train: split.train.slice(),
      heldOut: split.heldOut.slice(),
    });
    const config = this.validSettings();
    if (config) this.configure(config);
  }

  editSetting(field: SettingField, value: string): void {
    this.store.dispatch({ type: 'setting-edited', field, value });
    const shape = this.state.dataset?.shape ?? [28, 28, 1];
    const result = validateConfig(this.state.rawSettings, shape);
    this.store.dispatch({ type: 'field-errors', errors: result.ok ? {} : result.errors });
  }

  /** The settings as a config, or null (with the field messages shown) when any is invalid. */
  private validSettings(): ExperimentConfig | null {
    const dataset = this.state.dataset;
    if (!dataset) return null;
    const result = validateConfig(this.state.rawSettings, dataset.shape);
    if (!result.ok) {
      this.store.dispatch({ type: 'field-errors', errors: result.errors });
      return null;
    }
    return result.config;
  }

  /** True when the form holds settings other than the ones the current model was built with. */
  hasPendingChanges(): boolean {
    const dataset = this.state.dataset;
    const applied = this.state.applied;
    if (!dataset || !applied) return false;
    const result = validateConfig(this.state.rawSettings, dataset.shape);
    return result.ok && JSON.stringify(result.config) !== JSON.stringify(applied);
  }

  private configure(config: ExperimentConfig): void {
    this.projection = null;
    this.store.dispatch({ type: 'config-applied', config });
    this.client.send({ type: 'configure', config });
  }

  /**
   * Train from the start, or go on after a pause. A fresh or finished model picks up edited
   * settings first; invalid settings are refused and the current model stays as it was.
   */
  train(): void {
    const { status } = this.state;
    if (status === 'training' || status === 'preparing') return;
    if (status !== 'paused') {
      const config = this.validSettings();
      if (!config) {
        this.notify('error', 'Some settings are not valid; fix the marked fields. The current model is unchanged.');
        return;
      }
      if (JSON.stringify(config) !== JSON.stringify(this.state.applied) || status === 'done') this.configure(config);
    }
    this.client.send({ type: 'train' });
  }

  pause(): void {
    this.client.send({ type: 'pause' });
  }

  step(): void {
    this.client.send({ type: 'step' });
  }

  /** Start over with a fresh seeded model, built from the settings in the form. */
  reset(): void {
    const config = this.validSettings();
    if (!config) {
      this.notify('error', 'Some settings are not valid; fix the marked fields. The current model is unchanged.');
      return;
    }
    this.configure(config);
  }

  chooseBackend(name: BackendName | null): void {
    this.client.send({ type: 'set-backend', backend: name });
  }

  moveProbe(probe: ProbeState): void {
    this.store.dispatch({ type: 'probe-moved', probe });
  }

  /** Decode a latent code on the main thread (pixels 0..1), or null before weights arrive. */
  decode(code: Float32Array): Float32Array | null {
    return this.client.decode(code);
  }

  dismissNotice(id: number): void {
    this.store.dispatch({ type: 'notice-dismissed', id });
  }

  private onLatents(codes: Float32Array, latentDim: number, globalStep: number): void {
    const dataset = this.state.dataset;
    if (!dataset) return;
    const count = codes.length / latentDim;
    const jump = this.state.map === null || this.projection === null || this.projectionDim !== latentDim;
    if (jump) {
      this.projection = axisProjection(latentDim);
      this.projectionDim = latentDim;
    }
    const points = (this.projection as Projection).project(codes, count);
    const knnAccuracy =
      dataset.split.heldOut.length > 0
        ? heldOutKnnAccuracy(points, dataset.labels, dataset.split.train, dataset.split.heldOut, 5)
        : null;
    this.store.dispatch({
      type: 'latents',
      snapshot: { codes, latentDim, globalStep },
      map: { points, count, jump },
      knnAccuracy,
    });
    if (jump) this.centreProbe(points, count);
  }

  /** Put the probe on the first held-out image, so the decoded image shows something real at once. */
  private centreProbe(points: Float32Array, count: number): void {
    const first = this.state.dataset?.split.heldOut[0] ?? 0;
    if (first >= count) return;
    this.moveProbe({ x: points[2 * first], y: points[2 * first + 1], sourceIndex: -1 });
  }

  /** The latent code under the probe (or any map point), using its source image for hidden dimensions. */
  codeAt(x: number, y: number, sourceIndex: number): Float32Array | null {
    const latents = this.state.latents;
    if (!latents || !this.projection) return null;
    const anchor =
      sourceIndex >= 0 ? latents.codes.subarray(sourceIndex * latents.latentDim, (sourceIndex + 1) * latents.latentDim) : null;
    return this.projection.invert(x, y, anchor);
  }

  axisTitle(axis: 0 | 1): string {
    return this.projection?.axisNames[axis] ?? (axis === 0 ? 'z₁' : 'z₂');
  }

  /** The larger side of the map's data extent, for keyboard steps that feel the same at any scale. */
  mapSpan(): number {
    const map = this.state.map;
    if (!map) return 1;
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < map.count; i++) {
      const x = map.points[2 * i];
      const y = map.points[2 * i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const span = Math.max(maxX - minX, maxY - minY);
    return Number.isFinite(span) && span > 0 ? span : 1;
  }

  private onWorkerEvent(event: WorkerEvent): void {
    const dispatch = this.store.dispatch;
    switch (event.type) {
      case 'status':
        dispatch({ type: 'status', status: event.status });
        return;
      case 'backends':
        dispatch({ type: 'backends', chosen: event.chosen, reports: event.reports, how: event.how });
        return;
      case 'backend-fallback':
        this.notify('warning', event.message);
        return;
      case 'progress':
        dispatch({ type: 'progress', figures: event.figures });
        return;
      case 'epoch-end':
        dispatch({ type: 'epoch-end', point: { epoch: event.epoch, train: event.trainLoss, heldOut: event.heldOutLoss } });
        return;
      case 'latents':
        this.onLatents(event.codes, event.latentDim, event.globalStep);
        return;
      case 'reconstructions':
        dispatch({ type: 'reconstructions', indices: event.indices, pixels: event.pixels });
        return;
      case 'decoder-weights':
        dispatch({ type: 'decoder-updated', version: this.client.decoderVersion });
        return;
      case 'error':
        this.notify('error', event.message);
        return;
    }
  }
}
