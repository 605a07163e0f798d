// The app's controller: turns UI intents into store actions and worker commands, and hands worker
// events on (workerEvents.ts). The only place that knows both the store and the training client.
import { loadBuiltInMnist } from '../data/packedDataset';
import { splitDataset, type DataSplit, type Dataset } from '../data/dataset';
import { createRng } from '../lib/rng';
import type { ProjectionKind } from '../latent/projection';
import { asLatentCode, holdsCodes, type LatentCode } from '../latent/latentCode';
import type { ColourMode } from '../viz/pointColouring';
import { MapBuilder, type MapUpdate } from './mapBuilder';
import { validateConfig, DEFAULT_RAW_SETTINGS, type AnySettingField, type RawSettings } from '../model/validate';
import type { ExperimentConfig } from '../model/spec';
import { TrainingClient, type EncodedImages, type ExportedTraining, type ModelSnapshot } from '../train/client';
import type { BackendName, TrainerState } from '../train/protocol';
import { createStore, type Store } from './store';
import type { ClassroomView } from '../lesson/classroom';
import { initialState, reducer, type Action, type AppState, type DatasetInfo, type LossPoint, type MapSnapshot, type ProbeState, type ViewRegion } from './appState';
import type { SessionView } from './mapViewState';
import { mapSpan, pointsInRegion } from './mapGeometry';
import { scoreMapInSlices } from './mapScoring';
import { routeWorkerEvent } from './workerEvents';
import { tellBrowserGapsOnce } from './browserGapNotice';

/** Held-out images per dataset: the built-in MNIST gives 9,000 to train on and 1,000 to judge by. */
const HELD_OUT_SHARE = 0.1;
/** The split does not follow the training seed, so runs with different seeds are judged on the same images. */
const SPLIT_SEED = 20_240_601;

export type AppStore = Store<AppState, Action>;

/** A checked, saved session ready to take over (see `AppController.restoreSession`). */
export interface RestoredSession {
  /** The images to load first, or null to keep the current dataset (the same images). */
  dataset: Dataset | null;
  split: DataSplit;
  rawSettings: RawSettings;
  config: ExperimentConfig;
  losses: LossPoint[];
  view: SessionView;
  state: TrainerState;
}

export class AppController {
  readonly store: AppStore;
  private readonly client: TrainingClient;
  private readonly mapBuilder: MapBuilder;
  /** Whether the user has placed the probe since the model was built (else it follows an image). */
  private probeMovedByUser = false;
  /** Bumped for every map scored; an older scoring stops when it sees a newer number. */
  private knnRun = 0;
  /** The variational kind's log-variances, found again by the codes a map was made from. */
  private readonly logVarByCodes = new WeakMap<Float32Array, Float32Array | undefined>();

  constructor(rawSettings: RawSettings = DEFAULT_RAW_SETTINGS) {
    this.store = createStore(reducer, initialState(rawSettings));
    this.mapBuilder = new MapBuilder(
      (update) => this.onMap(update),
      (status) => this.store.dispatch({ type: 'projection-status', status }),
      (message) => this.notify('error', message),
      () => this.state.applied?.training.seed ?? 1,
    );
    this.client = new TrainingClient(
      (event) => routeWorkerEvent(event, {
        dispatch: this.store.dispatch,
        notify: (kind, text) => this.notify(kind, text),
        acceptLatents: (codes, latentDim, globalStep, logVar) => this.onLatents(codes, latentDim, globalStep, logVar),
        colouringByError: () => this.state.colourBy.mode === 'error',
        decoderVersion: () => this.client.decoderVersion,
        browserGaps: (gaps) => tellBrowserGapsOnce(gaps, (text) => this.notify('info', text)),
      }),
      (text) => this.notify('warning', text),
    );
  }

  private get state(): AppState {
    return this.store.getState();
  }

  notify(kind: 'info' | 'warning' | 'error', text: string): void {
    this.store.dispatch({ type: 'notice', kind, text });
  }

  /** Load the built-in digits from `url`, or take them from a fetch already under way for it. */
  async loadBuiltInData(url: string, fetching: Promise<Dataset> = loadBuiltInMnist(url)): Promise<void> {
    try {
      this.useDataset(await fetching);
    } catch (error) {
      const message = `Could not load the built-in digits: ${error instanceof Error ? error.message : String(error)}`;
      this.store.dispatch({ type: 'dataset-failed', message });
      this.notify('error', message);
    }
  }

  useDataset(dataset: Dataset): void {
    // A resumed session waiting for the user's own files takes them if they are the same images.
    if (this.datasetChosenHook?.(dataset)) return;
    const count = dataset.labels.length;
    const split = splitDataset(count, Math.round(count * HELD_OUT_SHARE), createRng(SPLIT_SEED));
    this.sendDataset(dataset, split);
    const config = this.validSettings();
    if (config) this.configure(config);
  }

  /** Called with each dataset the user picks; returning true means it was taken (see `useDataset`). */
  datasetChosenHook: ((dataset: Dataset) => boolean) | null = null;

  /** The worker's whole training state (weights, Adam moments, step) and the networks' layouts. */
  exportTraining(): Promise<ExportedTraining> {
    return this.client.exportState();
  }

  /**
   * Replace the model (and the data, when given) with a saved session's and resume it where it
   * stopped: weights, Adam state, step, loss history, settings and view. The caller has checked it.
   */
  restoreSession(session: RestoredSession): void {
    if (session.dataset) this.sendDataset(session.dataset, session.split);
    this.mapBuilder.reset(session.config.spec.latentDim);
    this.store.dispatch({ type: 'settings-replaced', rawSettings: session.rawSettings });
    this.store.dispatch({ type: 'config-applied', config: session.config });
    this.store.dispatch({ type: 'losses-restored', losses: session.losses });
    this.setProjection(session.view.projection);
    this.colourBy(session.view.colourBy.mode, session.view.colourBy.dimension, session.view.colourBy.factor);
    const { probe, zoom } = session.view;
    this.store.dispatch({
      type: 'probe-moved',
      probe: { x: probe.x, y: probe.y, sourceIndex: probe.sourceIndex, code: probe.code ? Float32Array.from(probe.code) : null },
    });
    this.probeMovedByUser = true;
    if (zoom) this.store.dispatch({ type: 'zoom-requested', zoom });
    // Numbered by the client like a new model: the replaced one's late events are dropped (see `ModelTag`).
    this.client.send({ type: 'restore', config: session.config, state: session.state });
  }

  private sendDataset(dataset: Dataset, split: DataSplit): void {
    const count = dataset.labels.length;
    this.store.dispatch({
      type: 'dataset-loaded',
      dataset: {
        name: dataset.name,
        count,
        shape: dataset.shape,
        classNames: dataset.classNames,
        labels: dataset.labels,
        images: dataset.images,
        factors: dataset.factors,
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
  }

  editSetting(field: AnySettingField, value: string): void {
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
    this.mapBuilder.reset(config.spec.latentDim);
    this.probeMovedByUser = false;
    if (config.spec.latentDim > 2 && this.state.projectionKind === 'none') {
      this.store.dispatch({ type: 'projection-kind', kind: 'pca' });
      this.mapBuilder.setKind('pca');
    }
    this.store.dispatch({ type: 'config-applied', config });
    // Sent in the same call as the view's reset: the client numbers this model and from now on
    // passes on only its events, not the late ones of the model it replaces (see `ModelTag`).
    this.client.send({ type: 'configure', config });
  }

  /**
   * Train from the start, or go on after a pause. A fresh or finished model picks up edited
   * settings first; invalid settings are refused and the current model stays as it was.
   */
  train(): void {
    const { status } = this.state;
    if (status === 'training') return;
    // While the worker prepares a model, a train command simply waits its turn in the worker.
    if (status !== 'paused' && status !== 'preparing') {
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
    this.probeMovedByUser = true;
    this.store.dispatch({ type: 'probe-moved', probe });
  }

  /** Decode a latent code on the main thread (pixels 0..1), or null before weights arrive. */
  decode(code: LatentCode): Float32Array | null {
    // Checked again here: a code kept by a view (an interpolation end) may predate the model.
    if (!asLatentCode(code, this.modelLatentDim)) return null;
    return this.client.decode(code);
  }

  /** `values` as a code for the current model, or null when it is not one (wrong size, not finite). */
  latentCode(values: Float32Array): LatentCode | null {
    return asLatentCode(values, this.modelLatentDim);
  }

  /** The current model's latent size (2 before there is one). */
  private get modelLatentDim(): number {
    return this.state.applied?.spec.latentDim ?? 2;
  }

  /** Stop the worker and free the main-thread models; the controller is not used after this. */
  dispose(): void {
    this.client.dispose();
    this.mapBuilder.dispose();
  }

  /** Presenter mode, the lesson step, hidden panels, the palette or the data source changed. */
  setClassroom(patch: Partial<ClassroomView>): void {
    this.store.dispatch({ type: 'classroom', patch });
  }

  dismissNotice(id: number): void {
    this.store.dispatch({ type: 'notice-dismissed', id });
  }

  private onLatents(codes: Float32Array, latentDim: number, globalStep: number, logVar?: Float32Array): void {
    this.logVarByCodes.set(codes, logVar);
    this.mapBuilder.accept(codes, latentDim, globalStep);
  }

  /** A new map is ready: show it, then score it between frames. */
  private onMap(update: MapUpdate): void {
    const dataset = this.state.dataset;
    if (!dataset) return;
    const points = update.projection.points;
    const count = points.length / 2;
    const map = { points, count, jump: update.jump, axisNames: update.projection.axisNames };
    this.store.dispatch({
      type: 'latents',
      snapshot: {
        codes: update.codes,
        latentDim: update.latentDim,
        globalStep: update.globalStep,
        logVar: this.logVarByCodes.get(update.codes),
      },
      map,
      // The last map's score stays on screen until this one's is ready (null for a new model).
      knnAccuracy: dataset.split.heldOut.length > 0 ? this.state.knnAccuracy : null,
    });
    // Until the user moves the probe, it follows a real held-out image, so the decoded image shows
    // something meaningful however far the codes drift while the model learns.
    if (!this.probeMovedByUser) this.centreProbe(points, count);
    if (dataset.split.heldOut.length > 0) void this.scoreMap(map, dataset);
  }

  /** Score `map`'s held-out kNN accuracy between frames; a newer map stops the scoring of an older one. */
  private async scoreMap(map: MapSnapshot, dataset: DatasetInfo): Promise<void> {
    const run = ++this.knnRun;
    const accuracy = await scoreMapInSlices(map, dataset, () => run !== this.knnRun || this.state.map !== map);
    if (accuracy !== null && run === this.knnRun) this.store.dispatch({ type: 'knn-scored', map, knnAccuracy: accuracy });
  }

  /** Put the probe on the first held-out image, so the decoded image shows something real at once. */
  private centreProbe(points: Float32Array, count: number): void {
    const first = this.state.dataset?.split.heldOut[0] ?? 0;
    if (first >= count) return;
    this.store.dispatch({ type: 'probe-moved', probe: { x: points[2 * first], y: points[2 * first + 1], sourceIndex: -1 } });
  }

  /** The latent code under the probe (or any map point). */
  codeAt(x: number, y: number, sourceIndex: number): LatentCode | null {
    return asLatentCode(this.mapBuilder.codeAt(x, y, sourceIndex), this.modelLatentDim);
  }

  /**
   * The probe's full latent code: the one set directly, or the one under its map position. A code
   * set for a model that has since been replaced by one of another size is ignored.
   */
  probeCode(): LatentCode | null {
    const probe = this.state.probe;
    return asLatentCode(probe.code, this.modelLatentDim) ?? this.codeAt(probe.x, probe.y, probe.sourceIndex);
  }

  /**
   * Set the probe's code directly (sliders, random codes, a drawing); the probe moves to where it
   * lands. A code of another size than the model's (an answer about a replaced model) is ignored.
   */
  setProbeCode(values: Float32Array): void {
    const code = asLatentCode(values, this.modelLatentDim);
    if (!code) return;
    const at = this.mapBuilder.projectCode(code);
    const probe = this.state.probe;
    this.moveProbe({ x: at ? at[0] : probe.x, y: at ? at[1] : probe.y, sourceIndex: -1, code });
  }

  /** Where a code lands on the current map. */
  projectCode(code: Float32Array): [number, number] | null {
    return this.mapBuilder.projectCode(code);
  }

  /** Decode `count` codes back to back (pixels 0..1, images back to back), or null before weights arrive. */
  decodeMany(codes: Float32Array, count: number): Float32Array | null {
    if (!holdsCodes(codes, count, this.modelLatentDim)) return null;
    return this.client.decodeMany(codes, count);
  }

  /**
   * The current model's codes and reconstructions of images that are not in the dataset (a
   * drawing), `count` images of the dataset's shape, pixels 0..1. `pixels` is handed over (emptied).
   * Rejects when there is no model yet.
   */
  encodeImages(pixels: Float32Array, count: number): Promise<EncodedImages> {
    return this.client.encodeImages(pixels, count);
  }

  /**
   * Train without one class (null: with every class): its held-out images become the anomalies of
   * the Applications panel. A new model is built, as the training data changed.
   */
  setAnomalyClass(label: number | null): void {
    this.store.dispatch({ type: 'anomaly-class', label });
    this.client.send({ type: 'exclude-class', label });
    const config = this.state.dataset ? this.validSettings() : null;
    if (config) this.configure(config);
  }

  /** Draw the raw pixels' PCA map in the latent map's place, or (null) the latent map again. */
  showPixelPcaMap(map: MapSnapshot | null): void {
    this.store.dispatch({ type: 'pixel-pca-map', map });
  }

  /** Both networks' current weights and the epoch's training indices, for analyses off the training thread. */
  snapshotModel(): Promise<ModelSnapshot> {
    return this.client.snapshotModel();
  }

  colourBy(mode: ColourMode, dimension = 0, factor = this.state.colourBy.factor): void {
    const wasError = this.state.colourBy.mode === 'error';
    this.store.dispatch({ type: 'colour-by', mode, dimension, factor });
    if ((mode === 'error') !== wasError) {
      this.client.send({ type: 'want-reconstruction-errors', enabled: mode === 'error' });
      if (mode !== 'error') this.store.dispatch({ type: 'reconstruction-errors', errors: null });
    }
  }

  showEllipses(on: boolean): void {
    this.store.dispatch({ type: 'show-ellipses', on });
  }

  /** Select the images whose map points lie inside a rectangle (map units); null clears. */
  selectRegion(region: ViewRegion | null): void {
    const map = this.state.map;
    if (!region || !map) {
      this.store.dispatch({ type: 'selection', indices: null });
      return;
    }
    this.store.dispatch({ type: 'selection', indices: pointsInRegion(map, region) });
  }

  /** The map view reports what part of the map is on screen (for the manifold grid). */
  setViewRegion(region: ViewRegion): void {
    this.store.dispatch({ type: 'view-region', region });
  }

  /** The data point nearest to a map position, or -1 before there is a map. */
  nearestPoint(x: number, y: number): number {
    return this.mapBuilder.nearestPoint(x, y);
  }

  /** Show the map through another projection. 'none' needs a 2-D latent space. */
  setProjection(kind: ProjectionKind): void {
    const latentDim = this.state.applied?.spec.latentDim ?? 2;
    if (kind === 'none' && latentDim > 2) {
      this.notify('warning', `A ${latentDim}-D latent space needs a projection to be drawn; showing PCA.`);
      kind = 'pca';
    }
    this.store.dispatch({ type: 'projection-kind', kind });
    this.mapBuilder.setKind(kind);
  }

  /** The larger side of the map's data extent, for keyboard steps that feel the same at any scale. */
  mapSpan(): number {
    const map = this.state.map;
    return map ? mapSpan(map) : 1;
  }
}
