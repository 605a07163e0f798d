// Saving and resuming whole sessions: capture the app's state into a session file, open one (from
// a file or the autosave store) after checking every part of it, and autosave while training.
// A file that cannot be used is refused with a message and the current session stays as it was.
import type { Dataset } from '../data/dataset';
import { BUILT_IN_MNIST_NAME, BUILT_IN_MNIST_PATH, loadBuiltInMnist } from '../data/packedDataset';
import { generateEmojiInWorker, generateInWorker } from '../data/loadFiles';
import { KIND_CHOICES, DEFAULT_RAW_SETTINGS, validateConfig, type RawSettings } from '../model/validate';
import type { AppController, RestoredSession } from '../state/controller';
import type { AppState } from '../state/appState';
import { settingsToHash } from '../state/urlState';
import { AutosaveScheduler } from './autosave';
import { datasetFingerprint } from './fingerprint';
import { checkSessionFitsModel } from './modelCheck';
import { SessionFileError, shapeText, type BuiltInDatasetId, type DatasetReference, type SessionContents } from './sessionFormat';
import { readSessionZip } from './sessionRead';
import { pruneSessions, type SessionStore, type SessionSummary } from './sessionStore';
import { SessionZipper, writeOnThisThread, type SessionWriter } from './sessionZipper';

/** Time between autosaves while training. */
export const AUTOSAVE_INTERVAL_MS = 3000;
/** Autosaved sessions kept; older ones are removed. */
const KEPT_SESSIONS = 12;
/** Generated sets are always drawn with this seed (as the data panel draws them). */
const GENERATED_SEED = 1;

const BUILT_IN_NAMES: Record<BuiltInDatasetId, (name: string) => boolean> = {
  mnist: (name) => name === BUILT_IN_MNIST_NAME,
  shapes: (name) => name === 'Shapes',
  'shapes-rgb': (name) => name === 'Shapes (colour)',
  emoji: (name) => /^Emoji \(\d+×\d+ colour\)$/.test(name),
};

/** What the session panel shows. */
export interface KeeperView {
  sessions: SessionSummary[];
  /** Store the user's own images with saves (they can be large, so only on request). */
  storeOwnData: boolean;
  /** A resumed session waiting for the user's files, described for the user. */
  waitingForFiles: { name: string; count: number; shape: string } | null;
  busy: boolean;
}

export class SessionKeeper {
  private view: KeeperView = { sessions: [], storeOwnData: false, waitingForFiles: null, busy: false };
  private readonly listeners = new Set<() => void>();
  private readonly scheduler: AutosaveScheduler;
  /** The autosave record the current model writes to; a new model gets a new one. */
  private currentId: string | null = null;
  /** The config object of the model the current id belongs to. */
  private idFor: AppState['applied'] = null;
  private waiting: SessionContents | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly controller: AppController,
    private readonly store: SessionStore,
    private readonly baseUri: string,
    intervalMs = AUTOSAVE_INTERVAL_MS,
    private readonly writer: SessionWriter = typeof Worker === 'undefined' ? writeOnThisThread : new SessionZipper(),
  ) {
    this.scheduler = new AutosaveScheduler(() => this.autosave(), intervalMs, (error) => {
      this.controller.notify('warning', `The session could not be autosaved: ${messageOf(error)}`);
    });
    let status = controller.store.getState().status;
    let dataset = controller.store.getState().dataset;
    this.unsubscribe = controller.store.subscribe(() => {
      const state = controller.store.getState();
      if (state.dataset !== dataset) {
        dataset = state.dataset;
        setTimeout(() => this.warmFingerprint(), 0);
      }
      if (state.applied !== this.idFor) {
        this.idFor = state.applied;
        this.currentId = null;
      }
      if (state.status !== status) {
        status = state.status;
        this.scheduler.statusChanged(status);
      }
    });
    controller.datasetChosenHook = (dataset) => this.takeWaitingFiles(dataset);
    void this.refreshList();
  }

  getView(): KeeperView {
    return this.view;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(patch: Partial<KeeperView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of this.listeners) listener();
  }

  setStoreOwnData(on: boolean): void {
    this.update({ storeOwnData: on });
  }

  /** The current session as a file, or null (with a notice) when there is nothing to save yet. */
  async saveToFile(): Promise<{ bytes: Uint8Array; fileName: string } | null> {
    try {
      const contents = await this.capture();
      const stamp = contents.savedAt.replace(/[:.]/g, '-').slice(0, 19);
      const kind = kindLabel(contents.rawSettings).toLowerCase();
      const bytes = await this.writer.write(contents, 6);
      return { bytes, fileName: `latent-explorer-${slug(contents.dataset.name)}-${kind}-${stamp}.zip` };
    } catch (error) {
      this.controller.notify('error', `The session could not be saved: ${messageOf(error)}`);
      return null;
    }
  }

  /** Open a session file. Refused files leave everything as it was; the notice says why. */
  async openFile(bytes: Uint8Array, fileName: string): Promise<boolean> {
    return this.open(bytes, `"${fileName}"`, null);
  }

  /** Open a session from the autosave store. */
  async openStored(id: string): Promise<boolean> {
    const bytes = await this.store.read(id).catch(() => null);
    if (!bytes) {
      this.controller.notify('error', 'That saved session is no longer stored.');
      await this.refreshList();
      return false;
    }
    return this.open(bytes, 'The saved session', id);
  }

  async remove(id: string): Promise<void> {
    try {
      await this.store.remove(id);
      if (id === this.currentId) this.currentId = null;
    } catch (error) {
      this.controller.notify('error', `The saved session could not be deleted: ${messageOf(error)}`);
    }
    await this.refreshList();
  }

  /**
   * At start-up: resume the newest autosave made with the link's settings (a reload or a crashed
   * tab). Resolves true when one was resumed (it loads its own data), false otherwise.
   */
  async resumeLatest(linkSettings: RawSettings): Promise<boolean> {
    const wanted = settingsToHash(linkSettings, DEFAULT_RAW_SETTINGS);
    let sessions: SessionSummary[];
    try {
      sessions = await this.store.list();
    } catch {
      return false; // no IndexedDB (private mode): start afresh
    }
    const latest = sessions.find((summary) => summary.settingsHash === wanted);
    if (!latest) return false;
    const bytes = await this.store.read(latest.id).catch(() => null);
    if (!bytes) return false;
    const resumed = await this.open(bytes, 'The autosaved session', latest.id, { quietly: true });
    // A session that waits for the user's files has said so; it is not resumed yet.
    if (resumed && !this.waiting) {
      this.controller.notify('info', `Resumed your session from the autosave of ${formatDate(latest.savedAt)} (step ${latest.globalStep.toLocaleString('en-US')}). Press Resume to go on training.`);
    }
    return resumed && !this.waiting;
  }

  /** Stop autosaving one more time right now (Pause does it too); resolves when written. */
  autosaveNow(): Promise<void> {
    return this.scheduler.saveNow();
  }

  dispose(): void {
    this.scheduler.stop();
    this.unsubscribe();
    this.writer.dispose();
    this.controller.datasetChosenHook = null;
  }

  /** Forget a session that waits for the user's files. */
  stopWaiting(): void {
    this.waiting = null;
    this.update({ waitingForFiles: null });
  }

  private async open(bytes: Uint8Array, what: string, storedId: string | null, { quietly = false } = {}): Promise<boolean> {
    if (this.view.busy) return false;
    this.update({ busy: true });
    try {
      const contents = readSessionZip(bytes);
      const dataset = await this.datasetFor(contents);
      if (!dataset) {
        // The user's own files were not stored: check what can be checked, then wait for them.
        await this.check(contents);
        this.waiting = contents;
        this.currentId = storedId;
        const { name, count, shape } = contents.dataset;
        this.update({ waitingForFiles: { name, count, shape: shapeText(shape) } });
        this.controller.notify('info', `This session was trained on your own files (${name}: ${count.toLocaleString('en-US')} images of ${shapeText(shape)}), which were not stored with it. Load the same files to resume it.`);
        return true;
      }
      const restored = await this.check(contents, dataset);
      this.waiting = null;
      this.update({ waitingForFiles: null, storeOwnData: contents.dataset.stored || this.view.storeOwnData });
      this.resume(restored, storedId);
      return true;
    } catch (error) {
      if (!quietly || !(error instanceof SessionFileError)) {
        this.controller.notify('error', `${what} could not be opened: ${messageOf(error)} The current session is unchanged.`);
      }
      return false;
    } finally {
      this.update({ busy: false });
    }
  }

  private resume(restored: RestoredSession, storedId: string | null): void {
    this.controller.restoreSession(restored);
    const name = restored.dataset?.name ?? '';
    this.controller.setClassroom({ dataSource: this.builtInIdOf(name) ?? 'files' });
    // Keep writing to the same record when it came from the store; a file starts a new one.
    this.idFor = this.controller.store.getState().applied;
    this.currentId = storedId;
  }

  /** Settings valid for the dataset, the split within it, the weights fitting the model. */
  private async check(contents: SessionContents, dataset?: Dataset): Promise<RestoredSession> {
    const result = validateConfig(contents.rawSettings, contents.dataset.shape);
    if (!result.ok) {
      const [field, problem] = Object.entries(result.errors)[0] ?? ['settings', 'invalid'];
      throw new SessionFileError(`Its settings are not valid (${field}: ${problem}).`);
    }
    await checkSessionFitsModel(contents, result.config);
    const latentDim = result.config.spec.latentDim;
    const code = contents.view.probe.code;
    const view = code && code.length !== latentDim ? { ...contents.view, probe: { ...contents.view.probe, code: null } } : contents.view;
    if (view.colourBy.dimension >= latentDim) view.colourBy = { ...view.colourBy, mode: 'label', dimension: 0 };
    if (view.probe.sourceIndex >= contents.dataset.count) view.probe = { ...view.probe, sourceIndex: -1 };
    return {
      dataset: dataset ?? null,
      split: contents.split,
      rawSettings: contents.rawSettings,
      config: result.config,
      losses: contents.losses,
      view,
      state: contents.training,
    };
  }

  /** The session's images: stored in it, a built-in set (made again), or null for files to be loaded. */
  private async datasetFor(contents: SessionContents): Promise<Dataset | null> {
    const reference = contents.dataset;
    if (contents.data) {
      const dataset: Dataset = { name: reference.name, images: contents.data.images, labels: contents.data.labels, shape: reference.shape, classNames: contents.data.classNames };
      this.assertSame(dataset, reference);
      return dataset;
    }
    if (reference.source === 'files') {
      const current = this.currentDataset();
      if (current && this.fingerprintOf(current, reference) === reference.fingerprint) return current;
      return null;
    }
    const current = this.currentDataset();
    const dataset = current && this.builtInIdOf(current.name) === reference.builtIn ? current : await this.makeBuiltIn(reference.builtIn!);
    if (shapeText(dataset.shape) !== shapeText(reference.shape)) {
      throw new SessionFileError(`It was made for ${shapeText(reference.shape)} images, but ${dataset.name} has ${shapeText(dataset.shape)} images.`);
    }
    this.assertSame(dataset, reference);
    return dataset;
  }

  private assertSame(dataset: Dataset, reference: DatasetReference): void {
    if (dataset.labels.length !== reference.count) {
      throw new SessionFileError(`It was trained on ${reference.count.toLocaleString('en-US')} images of ${reference.name}, which here has ${dataset.labels.length.toLocaleString('en-US')}.`);
    }
    if (this.fingerprintOf(dataset, reference) !== reference.fingerprint) {
      throw new SessionFileError(`Its images of ${reference.name} are not the ones here (the labels or pixels differ).`);
    }
  }

  /** Fingerprints already taken, by dataset and pixel option: autosaves every 3 s need the same one (20 ms each). */
  private readonly fingerprints = new WeakMap<object, Map<boolean, string>>();

  private fingerprintOf(dataset: Pick<Dataset, 'images' | 'labels' | 'shape' | 'classNames'>, reference: Pick<DatasetReference, 'builtIn'>): string {
    const pixels = reference.builtIn !== 'emoji';
    const known = this.fingerprints.get(dataset) ?? new Map<boolean, string>();
    this.fingerprints.set(dataset, known);
    let fingerprint = known.get(pixels);
    if (fingerprint === undefined) {
      fingerprint = datasetFingerprint(dataset, { pixels });
      known.set(pixels, fingerprint);
    }
    return fingerprint;
  }

  private async makeBuiltIn(id: BuiltInDatasetId): Promise<Dataset> {
    try {
      if (id === 'mnist') return await loadBuiltInMnist(new URL(BUILT_IN_MNIST_PATH, this.baseUri).href);
      if (id === 'emoji') return (await generateEmojiInWorker(GENERATED_SEED)).dataset;
      return await generateInWorker(id, GENERATED_SEED);
    } catch (error) {
      throw new SessionFileError(`Its built-in images could not be made again (${messageOf(error)}).`);
    }
  }

  builtInIdOf(name: string): BuiltInDatasetId | undefined {
    return (Object.keys(BUILT_IN_NAMES) as BuiltInDatasetId[]).find((id) => BUILT_IN_NAMES[id](name));
  }

  private currentDataset(): Dataset | null {
    const dataset = this.controller.store.getState().dataset;
    if (!dataset) return null;
    return { name: dataset.name, images: dataset.images, labels: dataset.labels, shape: dataset.shape, classNames: dataset.classNames, factors: dataset.factors };
  }

  /** The user loaded files: if a session waits for exactly these images, resume it on them. */
  private takeWaitingFiles(dataset: Dataset): boolean {
    const waiting = this.waiting;
    if (!waiting) return false;
    // A built-in set (the page's first load, or one picked meanwhile) is not an attempt to give
    // the files back: the session keeps waiting without a warning.
    if (this.builtInIdOf(dataset.name)) return false;
    const reference = waiting.dataset;
    if (dataset.labels.length !== reference.count || shapeText(dataset.shape) !== shapeText(reference.shape) || this.fingerprintOf(dataset, reference) !== reference.fingerprint) {
      this.controller.notify('warning', `These are not the files the waiting session was trained on (${reference.name}: ${reference.count.toLocaleString('en-US')} images of ${shapeText(reference.shape)}); it keeps waiting.`);
      return false;
    }
    const id = this.currentId;
    void this.check(waiting, dataset).then(
      (restored) => {
        this.waiting = null;
        this.update({ waitingForFiles: null });
        this.resume(restored, id);
        this.controller.notify('info', `Resumed the saved session on ${dataset.name}.`);
      },
      (error: unknown) => this.controller.notify('error', `The waiting session could not be resumed: ${messageOf(error)}`),
    );
    return true;
  }

  /** The built-in set the current data is: only when the picker says so and the images are named as that set names them. */
  private builtInSourceOf(state: AppState): BuiltInDatasetId | undefined {
    const source = state.classroom.dataSource;
    return state.dataset && source !== 'files' && this.builtInIdOf(state.dataset.name) === source ? source : undefined;
  }

  /**
   * Take the current data's fingerprint ahead of the first autosave, in a task of its own: the
   * first save comes a few seconds into training, when the page's thread is busiest.
   */
  private warmFingerprint(): void {
    const state = this.controller.store.getState();
    if (state.dataset) this.fingerprintOf(state.dataset, { builtIn: this.builtInSourceOf(state) });
  }

  /** Everything a session file holds, from the app's state and the worker's training state. */
  private async capture(): Promise<SessionContents> {
    const state = this.controller.store.getState();
    const dataset = state.dataset;
    if (!dataset || !state.applied) throw new Error('there is no model yet.');
    const { state: training, layouts } = await this.controller.exportTraining();
    // The loss history as it stands once the worker's state has come: the epoch-end events sent
    // before that state have arrived by now, so a saved step never runs past the losses saved with it.
    const { losses } = this.controller.store.getState();
    const builtIn = this.builtInSourceOf(state);
    const storeData = !builtIn && this.view.storeOwnData;
    const probe = state.probe;
    const code = this.controller.probeCode();
    return {
      savedAt: new Date().toISOString(),
      dataset: {
        source: builtIn ? 'built-in' : 'files',
        builtIn,
        name: dataset.name,
        count: dataset.count,
        shape: dataset.shape,
        fingerprint: this.fingerprintOf(dataset, { builtIn }),
        stored: storeData,
      },
      data: storeData ? { images: dataset.images, labels: dataset.labels, classNames: dataset.classNames } : null,
      rawSettings: state.rawSettings,
      split: dataset.split,
      losses,
      view: {
        projection: state.projectionKind,
        colourBy: state.colourBy,
        zoom: state.mapZoom,
        probe: { x: probe.x, y: probe.y, sourceIndex: probe.sourceIndex, code: code ? Array.from(code) : null },
      },
      training,
      layouts,
    };
  }

  private async autosave(): Promise<void> {
    const state = this.controller.store.getState();
    if (!state.dataset || !state.applied || (state.progress?.globalStep ?? 0) === 0) return;
    let contents: SessionContents;
    try {
      contents = await this.capture();
    } catch {
      return; // the model is being rebuilt; the next tick saves it
    }
    if (contents.training.globalStep === 0) return;
    // The model may have been replaced while its state was read: save it under the new model's id.
    if (this.controller.store.getState().applied !== state.applied) return;
    this.currentId ??= `session-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const globalStep = contents.training.globalStep;
    // The writer moves the training arrays to its worker: they are not read after this.
    const file = await this.writer.write(contents, 0);
    const summary: SessionSummary = {
      id: this.currentId,
      datasetName: contents.dataset.name,
      kindLabel: kindLabel(contents.rawSettings),
      savedAt: contents.savedAt,
      globalStep,
      settingsHash: settingsToHash(contents.rawSettings, DEFAULT_RAW_SETTINGS),
      needsFiles: contents.dataset.source === 'files' && !contents.dataset.stored,
      bytes: file.length,
    };
    await this.store.write(summary, file);
    await pruneSessions(this.store, KEPT_SESSIONS);
    await this.refreshList();
  }

  private async refreshList(): Promise<void> {
    try {
      this.update({ sessions: await this.store.list() });
    } catch {
      this.update({ sessions: [] });
    }
  }
}

export function kindLabel(raw: RawSettings): string {
  return KIND_CHOICES.find((choice) => choice.value === raw.kind)?.label ?? 'Basic';
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'data';
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
