// The training session behind the worker: owns the data, the Trainer and the backend, runs the
// step loop, and reports through `emit`. Free of worker APIs so it can also run in the page
// (the fallback when a worker cannot start) and be driven directly by tests.
import type { ExperimentConfig } from '../model/spec';
import { activateBackend, errorText } from '../backends/activate';
import { Trainer, type TermValues, type TrainerData, type TrainerState } from './trainer';
import type { BackendName, BackendReport, ProgressFigures, TrainerStatus, WorkerCommand, WorkerEvent } from './protocol';
import { selfTestConfig, selfTestData } from './selfTest';
import { firstGuess, measureInPlace, mergeMeasurement, warmUpLikelyBackend } from './backendChoice';
import { measureInWorker, type BackendMeasurer, type Measurement } from './backgroundMeasure';
import { chooseMove, type BackendMove } from './backendMove';
import { READBACK_MAX_MS, stepsPerReadback } from './lossReadback';
import { pickOnePerClass } from '../data/pickOnePerClass';
import { yieldToEventLoop } from './yieldToEventLoop';
import { GpuLostError, isGpuBackend, looksLikeGpuLoss, resetLostBackend, unlessGpuLost, watchGpuLoss, type GpuLossWatch } from '../backends/gpuLoss';
import { LOSS_WINDOW_MS, REBUILD_TIMEOUT_MS, goodStateInterval, gpuLossNotice, recoveryOrder } from './gpuRecovery';

export type Emit = (event: WorkerEvent) => void;

export interface SessionOptions {
  /** Measures the backends beside training; the default runs the self-test in a worker of its own. */
  measurer?: BackendMeasurer;
}

/** Share of training time the map refresh (encode all + reconstructions) may take. */
const REFRESH_TIME_SHARE = 0.04;
/** Never refresh the map more often than this, however cheap it is. */
const MIN_REFRESH_INTERVAL_MS = 1000;
/**
 * The first seconds of a run are when the map changes most and a class watches most closely: there
 * it refreshes at least this often, whatever the time share says (a costly first refresh, made while
 * the backend measurement shares the CPU, would otherwise hold the untrained map for many seconds).
 */
const EARLY_MAP_WINDOW_MS = 20_000;
const EARLY_MAP_MAX_INTERVAL_MS = 2500;
/** Decoder weights are cheap: send them often so the probe follows training closely. */
const WEIGHTS_INTERVAL_MS = 400;
/** Share of training time the decoder-weight snapshots may take. */
const WEIGHTS_TIME_SHARE = 0.03;
const PROGRESS_INTERVAL_MS = 150;
/** Images shown as originals next to their reconstructions. */
const RECONSTRUCTION_COUNT = 10;
/** Images rebuilt at a time when measuring every image's reconstruction error. */
const ERROR_CHUNK = 1000;
/**
 * Where to go when a backend fails and the others were never measured: WebGL has every training
 * kernel and is the most robust GPU path (WebGPU on software adapters has crashed pages on conv
 * models); plain CPU is the last resort.
 */
const UNMEASURED_FALLBACK_ORDER: readonly BackendName[] = ['webgl', 'webgpu', 'wasm', 'cpu'];

interface SessionData extends TrainerData {
  labels: Uint8Array;
}

export class TrainingSession {
  private data: SessionData | null = null;
  private config: ExperimentConfig | null = null;
  private trainer: Trainer | null = null;
  private status: TrainerStatus = 'idle';
  private backend: BackendName | null = null;
  private reports: BackendReport[] = [];
  private measuredFor = '';
  /** What a measurement would time for the current model (from the first guess). */
  private worthTiming: BackendName[] = [];
  /** The background measurement under way, and the model shape it measures. */
  private measurement: { key: string; run: Measurement } | null = null;
  /** A faster backend found while training ran: the loop moves there at the next step boundary. */
  private pendingMove: BackendMove | null = null;
  private readonly measurer: BackendMeasurer;
  /** A backend the user picked by hand; kept across rebuilds instead of measuring again. */
  private userChoice: BackendName | null = null;
  /** Last state known to be good, to fall back on when a backend dies mid-step. */
  private lastGoodState: TrainerState | null = null;
  /** The epoch's loss sums when `lastGoodState` was kept, so steps trained again are not counted twice. */
  private lastGoodSums: EpochSums = emptySums();
  private lastGoodAt = 0;
  private lastGoodCostMs = 0;
  /** Watches the GPU under the trainer (null on wasm and cpu); see recoverFromGpuLoss. */
  private gpuWatch: GpuLossWatch | null = null;
  /** When GPUs were lost lately (ms), so one that keeps failing is given up on. */
  private gpuLossTimes: number[] = [];
  private commandQueue: Promise<void> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private reconstructionIndices: Int32Array = new Int32Array(0);
  /** Every training index of the split, and the class left out of training (anomaly detection). */
  private allTrain: Int32Array = new Int32Array(0);
  private excludedClass: number | null = null;
  /** Whether the map is coloured by reconstruction error, which needs every image rebuilt. */
  private wantErrors = false;

  // Timing for throughput and the refresh budget.
  private speedSamples: { time: number; step: number }[] = [];
  private lastProgressAt = 0;
  private lastWeightsAt = 0;
  private lastRefreshAt = 0;
  private lastRefreshCostMs = 0;
  /** When the running loop started, for the early-map refresh rule. */
  private loopStartedAt = 0;
  private lastWeightsCostMs = 0;
  private epochLossSum = 0;
  private lastBatchLoss = NaN;
  private epochLossCount = 0;

  constructor(
    private readonly emit: Emit,
    options: SessionOptions = {},
  ) {
    this.measurer = options.measurer ?? measureInWorker;
    // Commands wait for the warm-up, which runs while the page is still fetching its data.
    this.commandQueue = warmUpLikelyBackend();
  }

  /** Commands run one after another; `pause` acts at once so it can stop a running loop. */
  handle(command: WorkerCommand): Promise<void> {
    if (command.type === 'pause') {
      if (this.status === 'training') this.setStatus('paused');
      return this.commandQueue;
    }
    this.commandQueue = this.commandQueue.then(() => this.run(command)).catch((error) => {
      this.emit({ type: 'error', message: errorText(error) });
    });
    return this.commandQueue;
  }

  private async run(command: WorkerCommand): Promise<void> {
    switch (command.type) {
      case 'load-data':
        await this.stopLoop();
        this.cancelMeasurement();
        this.disposeTrainer();
        this.allTrain = command.train;
        this.data = {
          images: command.images,
          labels: command.labels,
          shape: command.shape,
          train: withoutClass(command.train, command.labels, this.excludedClass),
          heldOut: command.heldOut,
        };
        this.reconstructionIndices = pickOnePerClass(command.heldOut, command.labels, RECONSTRUCTION_COUNT);
        this.measuredFor = '';
        return;
      case 'configure':
        await this.stopLoop();
        this.config = command.config;
        await this.rebuild();
        return;
      case 'reset':
        await this.stopLoop();
        await this.rebuild();
        return;
      case 'train':
        if (!this.trainer) await this.rebuild();
        if (!this.trainer) return;
        if (this.trainer.finished) await this.rebuild();
        this.startLoop();
        return;
      case 'step':
        await this.stopLoop();
        if (!this.trainer) await this.rebuild();
        if (!this.trainer || this.trainer.finished) return;
        await this.trainOneStep();
        await this.refreshViews();
        this.setStatus(this.trainer.finished ? 'done' : 'paused');
        return;
      case 'set-backend':
        // "Fastest (measure)": measure beside the running model and move when the answer comes.
        if (command.backend === null && this.trainer && this.measureAgain()) return;
        await this.stopLoop();
        this.cancelMeasurement();
        await this.switchBackend(command.backend);
        return;
      case 'want-reconstruction-errors':
        this.wantErrors = command.enabled;
        if (command.enabled && this.status !== 'training') await this.refreshViews();
        return;
      case 'encode-images':
        await this.encodeImages(command);
        return;
      case 'export-state':
        this.exportState(command.id);
        return;
      case 'restore':
        await this.stopLoop();
        this.config = command.config;
        await this.rebuild(command.state);
        return;
      case 'exclude-class':
        this.excludedClass = command.label;
        if (this.data) this.data = { ...this.data, train: withoutClass(this.allTrain, this.data.labels, command.label) };
        return;
      case 'snapshot-model':
        this.snapshotModel(command.id);
        return;
      case 'pause':
        return;
    }
  }

  /** Encode a drawing with the current model. Always answers, so the page's request settles. */
  private async encodeImages(command: Extract<WorkerCommand, { type: 'encode-images' }>): Promise<void> {
    const { id } = command;
    const refuse = (error: string) => this.emit({ type: 'encoded-images', id, codes: new Float32Array(0), reconstructions: new Float32Array(0), error });
    if (!this.trainer) {
      refuse('There is no model yet.');
      return;
    }
    try {
      const { codes, reconstructions } = await this.trainer.encodeImages(command.pixels, command.count);
      this.emit({ type: 'encoded-images', id, codes, reconstructions });
    } catch (error) {
      refuse(errorText(error));
    }
  }

  /** The whole training state, to save or autosave a session. Always answers. */
  private exportState(id: number): void {
    if (!this.trainer) {
      this.emit({ type: 'trainer-state', id, state: null, layouts: null, error: 'There is no model yet.' });
      return;
    }
    if (this.gpuWatch?.lost()) {
      // Reads from a lost device give zeros: refuse, so the page keeps its previous copy.
      this.emit({ type: 'trainer-state', id, state: null, layouts: null, error: 'The GPU was lost; training is being rebuilt.' });
      return;
    }
    this.emit({ type: 'trainer-state', id, state: this.trainer.exportState(), layouts: this.trainer.networkLayouts() });
  }

  /** Both networks' weights and the epoch's batch order, for analyses that run elsewhere. Always answers. */
  private snapshotModel(id: number): void {
    const empty = { shapes: [], values: [] };
    if (!this.trainer) {
      this.emit({ type: 'model-snapshot', id, encoder: empty, decoder: empty, globalStep: 0, batchOrder: new Int32Array(0), error: 'There is no model yet.' });
      return;
    }
    const trainer = this.trainer;
    this.emit({
      type: 'model-snapshot',
      id,
      encoder: trainer.encoderWeights(),
      decoder: trainer.decoderWeights(),
      globalStep: trainer.globalStep,
      batchOrder: trainer.batchOrder(),
    });
  }

  private setStatus(status: TrainerStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit({ type: 'status', status });
  }

  private async stopLoop(): Promise<void> {
    if (this.status === 'training') this.setStatus('paused');
    if (this.loop) await this.loop;
  }

  /**
   * Build a fresh, seeded model, or, given a saved state, the same model carried on from that state.
   * A model shape measured before goes to its fastest backend; a new one starts at once on a guess
   * from feature detection, and the measurement runs beside it (see `startMeasurement`).
   */
  private async rebuild(resumeFrom: TrainerState | null = null): Promise<void> {
    if (!this.data || !this.config) return;
    this.disposeTrainer();
    this.pendingMove = null;
    this.setStatus('preparing');
    const key = this.modelKey();
    let measureLater = false;
    if (this.userChoice) {
      this.cancelMeasurement();
      this.backend = this.userChoice;
    } else if ((this.measuredFor !== key || !this.backend) && this.measurement?.key !== key) {
      this.cancelMeasurement();
      await this.guessFirstBackend();
      measureLater = true;
    }
    await this.createTrainerWithFallback(resumeFrom);
    if (this.userChoice && this.backend) {
      this.emit({ type: 'backends', reports: this.reports, chosen: this.backend, how: 'user' });
    }
    this.resetTimers();
    const resumed = resumeFrom !== null && resumeFrom.globalStep > 0;
    this.setStatus(resumed ? (this.trainer?.finished ? 'done' : 'paused') : 'idle');
    await this.refreshViews();
    if (measureLater && !this.concludeWithoutTiming(key)) this.startMeasurement(key);
  }

  /** The model shape a measurement holds for: the same spec and batch size train at the same speed. */
  private modelKey(): string {
    return this.config ? JSON.stringify([this.config.spec, this.config.training.batchSize]) : '';
  }

  /** Pick the first backend from feature detection alone (no training), so Train is usable at once. */
  private async guessFirstBackend(): Promise<void> {
    if (!this.config) return;
    const { backend, reports, worthTiming } = await firstGuess(this.config);
    this.reports = reports;
    this.backend = backend;
    this.worthTiming = worthTiming;
    this.emit({ type: 'backends', reports, chosen: backend, how: 'guess' });
  }

  /**
   * Where the model already runs on the only backend worth timing here (no GPU, or only an emulated
   * one: WebAssembly alone), a measurement could only confirm it, and its worker would load tfjs and
   * train beside the first seconds of training: say so and skip it. True when concluded.
   */
  private concludeWithoutTiming(key: string): boolean {
    if (!this.backend || this.worthTiming.length !== 1 || this.worthTiming[0] !== this.backend) return false;
    this.measuredFor = key;
    this.emit({ type: 'backends', reports: this.reports, chosen: this.backend, how: 'only' });
    return true;
  }

  /** The user asked for the fastest backend: measure in the background; false if that cannot run here. */
  private measureAgain(): boolean {
    this.userChoice = null;
    this.cancelMeasurement();
    if (!this.backend || !this.startMeasurement(this.modelKey())) return false;
    this.emit({ type: 'backends', reports: this.reports, chosen: this.backend, how: 'guess' });
    return true;
  }

  /**
   * Measure every backend in the background; when it answers, move to the fastest (see
   * `applyMeasurement`). False when nothing can measure beside training here.
   */
  private startMeasurement(key: string): boolean {
    if (!this.data || !this.config) return false;
    const run = this.measurer({ config: selfTestConfig(this.config), data: selfTestData(this.data) });
    if (!run) return false; // "Fastest (measure)" then measures in place (see measureHere).
    const measurement = { key, run };
    this.measurement = measurement;
    run.reports.then(
      (reports) => {
        if (this.measurement !== measurement) return;
        this.measurement = null;
        this.commandQueue = this.commandQueue
          .then(() => this.applyMeasurement(reports, key))
          .catch((error) => this.emit({ type: 'error', message: errorText(error) }));
      },
      (error) => {
        if (this.measurement !== measurement) return; // cancelled: the model it measured is gone
        this.measurement = null;
        this.emit({ type: 'error', message: `The backends could not be measured (${errorText(error)}); training stays on ${this.backend ?? 'its first guess'}.` });
      },
    );
    return true;
  }

  private cancelMeasurement(): void {
    this.measurement?.run.cancel();
    this.measurement = null;
  }

  /**
   * The measurement's answer for the model shape `key`: remember it, and move training to the fastest
   * backend if that is a clear win. A running loop moves at its next step boundary.
   */
  private async applyMeasurement(measured: BackendReport[], key: string): Promise<void> {
    if (key !== this.modelKey() || this.userChoice || !this.backend) return;
    this.reports = mergeMeasurement(measured, this.reports);
    this.measuredFor = key;
    const move = chooseMove(this.reports, this.backend);
    if (!move) {
      this.emit({ type: 'backends', reports: this.reports, chosen: this.backend, how: 'measured' });
      return;
    }
    if (this.status === 'training') {
      this.pendingMove = move;
      return;
    }
    if (this.loop) await this.loop; // a loop that was just paused finishes its step first
    // (The await above may have let a Train command start the loop again.)
    if ((this.status as TrainerStatus) === 'training') {
      this.pendingMove = move;
      return;
    }
    await this.moveTo(move);
  }

  /** Move the model, its Adam moments and its progress to another backend; loss history and epoch sums stay. */
  private async moveTo(move: BackendMove): Promise<void> {
    this.pendingMove = null;
    const from = this.backend;
    if (!this.trainer || !from || move.to === from) return;
    const state = this.trainer.exportState();
    this.disposeTrainer();
    this.backend = move.to;
    await this.createTrainerWithFallback(state);
    if (this.backend === move.to) this.emit({ type: 'backend-moved', from, to: move.to, message: move.message });
    this.emit({ type: 'backends', reports: this.reports, chosen: this.backend, how: this.backend === move.to ? 'measured' : 'fallback' });
    this.speedSamples = [];
  }

  /** Measure every backend here and now (the user asked for it), then build on the fastest. */
  private async measureHere(): Promise<void> {
    if (!this.data || !this.config) return;
    const reports = await measureInPlace(this.config, this.data);
    this.reports = reports;
    const best = reports.find((report) => report.works);
    if (!best) throw new Error('No TensorFlow.js backend could run this model here.');
    this.backend = best.name;
    this.measuredFor = this.modelKey();
    this.emit({ type: 'backends', reports, chosen: best.name, how: 'measured' });
  }

  /**
   * Create the trainer on `this.backend`, or on the next working backend if that one fails.
   * With a state, training continues where it was (weights and optimizer moments restored).
   */
  private async createTrainerWithFallback(state: TrainerState | null): Promise<void> {
    if (!this.data || !this.config || !this.backend) return;
    const order = this.fallbackOrder(this.backend);
    let lastProblem = '';
    for (const name of order) {
      try {
        await activateBackend(name);
        this.trainer = state
          ? await Trainer.restore(this.config, this.data, state)
          : new Trainer(this.config, this.data);
        if (name !== this.backend) {
          this.emit({
            type: 'backend-fallback',
            from: this.backend,
            to: name,
            message: `${this.backend} failed (${lastProblem}); training moved to ${name}.`,
          });
          this.backend = name;
          this.emit({ type: 'backends', reports: this.reports, chosen: name, how: 'fallback' });
        }
        this.watchGpu();
        this.keepGoodState();
        return;
      } catch (error) {
        lastProblem = errorText(error);
        this.markBroken(name, lastProblem);
      }
    }
    throw new Error(`No backend could build this model (last problem: ${lastProblem}).`);
  }

  private fallbackOrder(first: BackendName): BackendName[] {
    const working = this.reports.filter((r) => r.works).map((r) => r.name);
    const rest = UNMEASURED_FALLBACK_ORDER.filter((name) => !working.includes(name) && !this.isBroken(name));
    return [first, ...working.filter((name) => name !== first), ...rest.filter((name) => name !== first)];
  }

  private isBroken(name: BackendName): boolean {
    return this.reports.some((report) => report.name === name && !report.works);
  }

  private markBroken(name: BackendName, problem: string): void {
    const report = this.reports.find((r) => r.name === name);
    if (report) {
      report.works = false;
      report.problem = problem;
      report.imagesPerSecond = undefined;
    } else {
      this.reports.push({ name, works: false, problem });
    }
  }

  /** The user picked a backend (or asked to measure again): move the model there, keeping progress. */
  private async switchBackend(requested: BackendName | null): Promise<void> {
    this.userChoice = requested;
    if (requested) this.backend = requested;
    if (!this.data || !this.config) return;
    const state = this.trainer ? this.trainer.exportState() : this.lastGoodState;
    this.disposeTrainer();
    this.setStatus('preparing');
    if (requested === null) {
      await this.measureHere();
    } else {
      this.backend = requested;
      this.emit({ type: 'backends', reports: this.reports, chosen: requested, how: 'user' });
    }
    await this.createTrainerWithFallback(state);
    this.resetTimers();
    this.setStatus(this.trainer?.finished ? 'done' : 'paused');
    await this.refreshViews();
  }

  private startLoop(): void {
    if (this.status === 'training' || !this.trainer) return;
    this.setStatus('training');
    this.loopStartedAt = performance.now();
    this.speedSamples = [];
    this.loop = this.runLoop().finally(() => {
      this.loop = null;
    });
  }

  private async runLoop(): Promise<void> {
    while (this.status === 'training' && this.trainer) {
      if (this.gpuWatch?.lost()) await this.recoverFromGpuLoss();
      if (this.pendingMove) await this.moveTo(this.pendingMove);
      if (!this.trainer) break;
      const ok = stepsPerReadback(this.backend) > 1 ? await this.trainQueuedSteps() : await this.trainOneStep();
      if (!ok) break;
      const trainer: Trainer = this.trainer;
      const now = performance.now();
      if (trainer.finished) {
        this.emitProgress(now, true);
        await this.refreshViews();
        this.setStatus('done');
        break;
      }
      this.emitProgress(now, false);
      // Reading weights back stalls a GPU backend's pipeline: keep it to a small share of the time.
      const weightsInterval = Math.max(WEIGHTS_INTERVAL_MS, this.lastWeightsCostMs / WEIGHTS_TIME_SHARE);
      if (now - this.lastWeightsAt > weightsInterval) this.emitWeights(now);
      const budgeted = Math.max(MIN_REFRESH_INTERVAL_MS, this.lastRefreshCostMs / REFRESH_TIME_SHARE);
      const refreshInterval = now - this.loopStartedAt < EARLY_MAP_WINDOW_MS ? Math.min(budgeted, EARLY_MAP_MAX_INTERVAL_MS) : budgeted;
      if (now - this.lastRefreshAt > refreshInterval) await this.refreshViews();
      // On a GPU, keep a read-back copy of the state now and then: a lost device keeps nothing.
      if (this.gpuWatch && now - this.lastGoodAt > goodStateInterval(this.lastGoodCostMs)) this.keepGoodState();
      await yieldToEventLoop();
    }
    if (this.pendingMove && this.status !== 'training') await this.moveTo(this.pendingMove);
    if (this.status === 'paused') {
      // The progress line is throttled: at a few ms a step it may be many steps behind. Send the
      // step training stopped at now, before the slower map refresh.
      this.emitProgress(performance.now(), true);
      await this.refreshViews();
    }
  }

  /**
   * GPU backends: queue up to `stepsPerReadback` steps (never past the end of an epoch, whose figures
   * need their losses) and read all their losses in one go. A NaN anywhere rolls back as one step would.
   */
  private async trainQueuedSteps(): Promise<boolean> {
    const trainer = this.trainer;
    if (!trainer) return false;
    const epochBefore = trainer.epoch;
    const limit = stepsPerReadback(this.backend);
    const started = performance.now();
    let read: TermValues[];
    try {
      do {
        trainer.trainStepDeferred();
      } while (
        trainer.unreadSteps < limit &&
        !trainer.finished &&
        trainer.epoch === epochBefore &&
        performance.now() - started < READBACK_MAX_MS &&
        this.status === 'training'
      );
      read = await unlessGpuLost(trainer.readPendingTerms(), this.gpuWatch);
      if (this.gpuWatch?.lost()) throw new GpuLostError(this.gpuWatch.lost() ?? '', this.gpuWatch);
    } catch (error) {
      if (this.isStaleLoss(error)) return this.trainer !== null && this.trainOneStep();
      if (this.isGpuLoss(error)) await this.recoverFromGpuLoss(error);
      else await this.recoverFromBackendFailure(errorText(error));
      return this.trainer !== null && this.trainOneStep();
    }
    if (read.some((terms) => !Number.isFinite(terms.total))) {
      await this.rollBack('Training diverged (the loss became NaN or infinite). The model was rolled back to its last good state; try a lower learning rate.');
      return false;
    }
    for (const terms of read) this.addBatchTerms(terms);
    if (trainer.epoch !== epochBefore || trainer.finished) await this.endEpochOrRecover(epochBefore);
    return true;
  }

  /** One step with failure handling: a dying backend hands over to the next, NaN rolls back. */
  private async trainOneStep(): Promise<boolean> {
    const trainer = this.trainer;
    if (!trainer) return false;
    const epochBefore = trainer.epoch;
    let loss: number;
    try {
      loss = await unlessGpuLost(trainer.trainStep(), this.gpuWatch);
      // A step on a lost context "succeeds" with zeros: it does not count.
      if (this.gpuWatch?.lost()) throw new GpuLostError(this.gpuWatch.lost() ?? '', this.gpuWatch);
    } catch (error) {
      if (this.isStaleLoss(error)) return this.trainer !== null && this.trainOneStep();
      if (this.isGpuLoss(error)) await this.recoverFromGpuLoss(error);
      else await this.recoverFromBackendFailure(errorText(error));
      // Take the step that failed again on the new backend (each failing backend is marked broken,
      // so this ends once a backend works or none is left).
      return this.trainer !== null && this.trainOneStep();
    }
    if (!Number.isFinite(loss)) {
      await this.rollBack('Training diverged (the loss became NaN or infinite). The model was rolled back to its last good state; try a lower learning rate.');
      return false;
    }
    this.addBatchTerms({ ...trainer.lastTerms(), total: loss });
    if (trainer.epoch !== epochBefore || trainer.finished) await this.endEpochOrRecover(epochBefore);
    return true;
  }

  /** One batch's loss terms into the epoch's sums and the progress line. */
  private addBatchTerms(terms: TermValues): void {
    this.epochLossSum += terms.total;
    this.epochLossCount++;
    this.lastBatchLoss = terms.total;
    this.lastBatchTerms = terms;
    for (const [name, value] of Object.entries(terms)) {
      this.epochTermSums[name] = (this.epochTermSums[name] ?? 0) + value;
    }
  }

  private lastBatchTerms: Record<string, number> = {};
  /** The epoch's batch loss terms summed by name, for their epoch means. */
  private epochTermSums: Record<string, number> = {};

  /**
   * The epoch's figures; a GPU lost while they are read (the held-out evaluation, the kept state)
   * is recovered from like one lost mid-step, rather than stopping the loop without a word.
   */
  private async endEpochOrRecover(epoch: number): Promise<void> {
    try {
      await this.endEpoch(epoch);
    } catch (error) {
      if (this.isStaleLoss(error)) return;
      if (!this.isGpuLoss(error)) throw error;
      await this.recoverFromGpuLoss(error);
    }
  }

  private async endEpoch(epoch: number): Promise<void> {
    if (!this.trainer || !this.data) return;
    const heldOutTerms = await unlessGpuLost(this.trainer.evaluateTerms(this.data.heldOut), this.gpuWatch);
    if (this.gpuWatch?.lost()) throw new GpuLostError(this.gpuWatch.lost() ?? '', this.gpuWatch);
    // The total, like trainLoss, so the two curves measure the same thing (for the basic kind
    // both are the reconstruction loss); the terms break them down.
    const heldOutLoss = heldOutTerms.total;
    const batches = Math.max(1, this.epochLossCount);
    const trainLoss = this.epochLossSum / batches;
    const trainTerms = Object.fromEntries(Object.entries(this.epochTermSums).map(([name, sum]) => [name, sum / batches]));
    this.epochLossSum = 0;
    this.epochLossCount = 0;
    this.epochTermSums = {};
    this.emit({ type: 'epoch-end', epoch: epoch + 1, trainLoss, heldOutLoss, trainTerms, heldOutTerms });
    // Kept at every epoch's end, so a loss never goes back past an epoch the loss chart already shows.
    this.keepGoodState();
  }

  /** Read the whole state back to plain arrays, if the device is alive, to fall back on later. */
  private keepGoodState(): void {
    const trainer = this.trainer;
    if (!trainer) return;
    const started = performance.now();
    const state = trainer.exportState();
    // Read while the device was dying: zeros, not a state. The previous one stays. A crashed GPU
    // process can read zeros before its context reports the loss, so an all-zero first layer (never
    // a trained model's) is refused too.
    if (this.gpuWatch?.lost() || allZero(state.encoder.values[0])) return;
    this.lastGoodState = state;
    this.lastGoodSums = { sum: this.epochLossSum, count: this.epochLossCount, terms: { ...this.epochTermSums } };
    this.lastGoodAt = performance.now();
    this.lastGoodCostMs = this.lastGoodAt - started;
  }

  /** Watch the GPU under a newly built trainer; a loss while no loop runs is handled as a command. */
  private watchGpu(): void {
    this.gpuWatch?.dispose();
    this.gpuWatch = null;
    if (!isGpuBackend(this.backend)) return;
    const watch = watchGpuLoss();
    this.gpuWatch = watch;
    void watch.whenLost.then(() => {
      this.commandQueue = this.commandQueue
        .then(() => (this.gpuWatch === watch && !this.loop ? this.recoverFromGpuLoss() : undefined))
        .catch((error) => this.emit({ type: 'error', message: errorText(error) }));
    });
  }

  private isGpuLoss(error: unknown): boolean {
    return error instanceof GpuLostError || this.gpuWatch?.lost() != null || (isGpuBackend(this.backend) && looksLikeGpuLoss(errorText(error)));
  }

  /** A loss already handled: a read that raced the old device's watch, after training was rebuilt. */
  private isStaleLoss(error: unknown): boolean {
    return error instanceof GpuLostError && error.watch !== this.gpuWatch && this.gpuWatch?.lost() == null && this.trainer !== null;
  }

  /**
   * The GPU under training is gone: nothing can be read from it, so training goes back to the last
   * state read while it was alive (weights, Adam moments, step, the epoch's loss sums) and is
   * rebuilt on the same backend if it comes back, else on the next one (see recoveryOrder).
   */
  private async recoverFromGpuLoss(cause?: unknown): Promise<void> {
    const from = this.backend;
    const watch = this.gpuWatch;
    if (!from || !this.config || !this.data) return;
    const reason = watch?.lost() ?? (cause === undefined ? 'the device stopped working' : errorText(cause));
    watch?.dispose();
    this.gpuWatch = null;
    const reachedStep = this.trainer?.globalStep ?? 0;
    const state = this.lastGoodState;
    const sums = this.lastGoodSums;
    try {
      this.disposeTrainer();
    } catch {
      this.trainer = null; // its textures or buffers went with the device
    }
    if (watch) resetLostBackend(watch);
    const now = performance.now();
    this.gpuLossTimes = [...this.gpuLossTimes.filter((time) => now - time < LOSS_WINDOW_MS), now];
    const broken = new Set(this.reports.filter((report) => !report.works).map((report) => report.name));
    for (const name of recoveryOrder(from, this.gpuLossTimes, now, broken)) {
      try {
        const rebuilt = await withTimeout(this.buildTrainerOn(name, state), REBUILD_TIMEOUT_MS, `${name} did not come back within ${REBUILD_TIMEOUT_MS / 1000} s`);
        // A context made while a crashed GPU process restarts can be dead without saying so: it
        // reads back zeros, and training would go on from an all-zero model. Checked on the weights.
        if (state && isGpuBackend(name) && !readsBackWeights(rebuilt, state)) {
          try {
            rebuilt.dispose();
          } catch {
            // freed with its device
          }
          throw new Error('its fresh context read back other weights than it was given');
        }
        this.trainer = rebuilt;
      } catch (error) {
        this.markBroken(name, errorText(error));
        continue;
      }
      this.backend = name;
      this.watchGpu();
      this.epochLossSum = sums.sum;
      this.epochLossCount = sums.count;
      this.epochTermSums = { ...sums.terms };
      this.speedSamples = [];
      const fromStep = this.trainer.globalStep;
      this.emit({ type: 'backend-fallback', from, to: name, message: gpuLossNotice(from, reason, name, fromStep, reachedStep) });
      this.emit({ type: 'backends', reports: this.reports, chosen: name, how: 'fallback' });
      // The page may have been sent views read from the dying device: replace them now.
      await this.refreshViews();
      return;
    }
    this.setStatus('paused');
    throw new Error(`The GPU was lost (${reason}) and no other backend could take over training.`);
  }

  /** A trainer on backend `name` from `state` (or seeded afresh); rejects if the backend fails. */
  private async buildTrainerOn(name: BackendName, state: TrainerState | null): Promise<Trainer> {
    const config = this.config as ExperimentConfig;
    const data = this.data as SessionData;
    await activateBackend(name);
    return state ? Trainer.restore(config, data, state) : new Trainer(config, data);
  }

  private async recoverFromBackendFailure(problem: string): Promise<void> {
    const from = this.backend;
    let state: TrainerState | null = null;
    try {
      state = this.trainer?.exportState() ?? null;
    } catch {
      state = this.lastGoodState;
    }
    try {
      this.disposeTrainer();
    } catch {
      this.trainer = null;
    }
    if (!from) return;
    this.markBroken(from, problem);
    const next =
      this.reports.find((r) => r.works && r.imagesPerSecond !== undefined && r.name !== from)?.name ??
      UNMEASURED_FALLBACK_ORDER.find((name) => name !== from && !this.isBroken(name)) ??
      'cpu';
    this.backend = next;
    this.emit({ type: 'backend-fallback', from, to: next, message: `${from} failed during training (${problem}); training moved to ${next} and goes on.` });
    this.emit({ type: 'backends', reports: this.reports, chosen: next, how: 'fallback' });
    await this.createTrainerWithFallback(state ?? this.lastGoodState);
  }

  private async rollBack(message: string): Promise<void> {
    this.setStatus('paused');
    if (this.lastGoodState && this.config && this.data) {
      this.disposeTrainer();
      this.trainer = await Trainer.restore(this.config, this.data, this.lastGoodState);
    }
    this.emit({ type: 'error', message });
  }

  private emitProgress(now: number, force: boolean): void {
    const trainer = this.trainer;
    if (!trainer || !this.config) return;
    this.speedSamples.push({ time: now, step: trainer.globalStep });
    while (this.speedSamples.length > 2 && now - this.speedSamples[0].time > 3000) this.speedSamples.shift();
    if (!force && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    this.emit({ type: 'progress', figures: this.progressFigures(now) });
  }

  private progressFigures(now: number): ProgressFigures {
    const trainer = this.trainer as Trainer;
    const batchSize = (this.config as ExperimentConfig).training.batchSize;
    const first = this.speedSamples[0];
    const seconds = first ? (now - first.time) / 1000 : 0;
    const steps = first ? trainer.globalStep - first.step : 0;
    const imagesPerSecond = seconds > 0 ? (steps * batchSize) / seconds : 0;
    const stepsLeft = trainer.totalSteps - trainer.globalStep;
    return {
      epoch: Math.min(trainer.epoch + 1, Math.ceil(trainer.totalSteps / trainer.stepsPerEpoch)),
      step: trainer.finished ? trainer.stepsPerEpoch : trainer.stepInEpoch,
      stepsPerEpoch: trainer.stepsPerEpoch,
      totalSteps: trainer.totalSteps,
      globalStep: trainer.globalStep,
      imagesPerSecond,
      secondsLeft: imagesPerSecond > 0 ? (stepsLeft * batchSize) / imagesPerSecond : NaN,
      batchLoss: this.lastBatchLoss,
      batchTerms: this.lastBatchTerms,
    };
  }

  private emitWeights(now: number): void {
    if (!this.trainer) return;
    this.lastWeightsAt = now;
    const weights = this.trainer.decoderWeights();
    this.lastWeightsCostMs = performance.now() - now;
    // Weights read from a lost device are zeros: the page's decoder keeps the last good ones.
    if (this.gpuWatch?.lost()) return;
    this.emit({ type: 'decoder-weights', weights, globalStep: this.trainer.globalStep });
  }

  /** Send everything the views show: codes of all images, reconstructions, decoder weights. */
  private async refreshViews(): Promise<void> {
    try {
      await this.refreshViewsOnce();
    } catch (error) {
      // The device went away mid-refresh: nothing was sent, and the loop rebuilds training next.
      if (!(error instanceof GpuLostError)) throw error;
    }
  }

  private async refreshViewsOnce(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer || !this.config || this.gpuWatch?.lost()) return;
    const watch = this.gpuWatch;
    // Each read is raced with a loss (reads on a lost context may never settle) and checked after.
    const read = async <T>(work: Promise<T>): Promise<T> => {
      const value = await unlessGpuLost(work, watch);
      if (watch?.lost()) throw new GpuLostError(watch.lost() ?? '', watch);
      return value;
    };
    const started = performance.now();
    const { kind, latentDim } = this.config.spec;
    const step = trainer.globalStep;
    const codes = await read(trainer.encodeAll());
    const logVar = kind === 'variational' ? await read(trainer.encodeLogVar()) : undefined;
    this.emit({ type: 'latents', codes, latentDim, globalStep: step, logVar });
    if (kind === 'sparse') {
      const values = await read(trainer.codeActivations(this.data?.heldOut ?? new Int32Array(0)));
      this.emit({ type: 'code-activations', values, latentDim, globalStep: step });
    }
    if (this.wantErrors) {
      const errors = await read(this.reconstructionErrors(trainer));
      this.emit({ type: 'reconstruction-errors', errors, globalStep: trainer.globalStep });
    }
    if (kind === 'denoising') {
      const noisy = await read(trainer.corrupt(this.reconstructionIndices));
      const pixels = await read(trainer.denoise(this.reconstructionIndices));
      this.emit({ type: 'reconstructions', indices: this.reconstructionIndices.slice(), pixels, noisy, globalStep: step });
    } else {
      const pixels = await read(trainer.reconstruct(this.reconstructionIndices));
      this.emit({ type: 'reconstructions', indices: this.reconstructionIndices.slice(), pixels, globalStep: step });
    }
    const now = performance.now();
    this.emitWeights(now);
    if (this.trainer) this.emit({ type: 'progress', figures: this.progressFigures(now) });
    this.lastRefreshCostMs = now - started;
    this.lastRefreshAt = now;
  }

  /** Per-image mean squared error over the whole dataset, in chunks to bound memory. */
  private async reconstructionErrors(trainer: Trainer): Promise<Float32Array> {
    const data = this.data as SessionData;
    const pixelsPerImage = data.shape[0] * data.shape[1] * data.shape[2];
    const count = data.images.length / pixelsPerImage;
    const errors = new Float32Array(count);
    for (let start = 0; start < count; start += ERROR_CHUNK) {
      const indices = Int32Array.from({ length: Math.min(ERROR_CHUNK, count - start) }, (_, i) => start + i);
      const rebuilt = await trainer.reconstruct(indices);
      for (let row = 0; row < indices.length; row++) {
        let sum = 0;
        const offset = (start + row) * pixelsPerImage;
        for (let p = 0; p < pixelsPerImage; p++) {
          const difference = rebuilt[row * pixelsPerImage + p] - data.images[offset + p] / 255;
          sum += difference * difference;
        }
        errors[start + row] = sum / pixelsPerImage;
      }
    }
    return errors;
  }

  private resetTimers(): void {
    this.speedSamples = [];
    this.epochLossSum = 0;
    this.epochLossCount = 0;
    this.epochTermSums = {};
    this.lastBatchLoss = NaN;
    this.lastBatchTerms = {};
    this.lastRefreshAt = 0;
    this.lastWeightsAt = 0;
    this.lastProgressAt = 0;
    this.lastGoodSums = emptySums();
  }

  private disposeTrainer(): void {
    const trainer = this.trainer;
    this.trainer = null; // gone even if freeing it throws (its tensors on a lost device)
    trainer?.dispose();
  }
}

/** The epoch's batch-loss sums: total, count and each term by name. */
interface EpochSums {
  sum: number;
  count: number;
  terms: Record<string, number>;
}

function emptySums(): EpochSums {
  return { sum: 0, count: 0, terms: {} };
}

/** `work`, or a rejection with `message` if it takes longer than `ms`; a late result is disposed. */
function allZero(values: Float32Array | undefined): boolean {
  if (!values || values.length === 0) return false;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}

/**
 * Whether a rebuilt trainer's first encoder layer reads back the weights of `state` (to half-float
 * precision: some GPUs keep 16-bit textures). A dead context reads zeros.
 */
export function readsBackWeights(trainer: Trainer, state: TrainerState): boolean {
  const given = state.encoder.values[0];
  if (!given || given.length === 0) return true;
  let read: Float32Array;
  try {
    read = trainer.encoderWeights().values[0];
  } catch {
    return false;
  }
  if (read.length !== given.length) return false;
  let largest = 0;
  for (let i = 0; i < given.length; i++) largest = Math.max(largest, Math.abs(given[i]));
  const tolerance = 1e-3 * (1 + largest);
  for (let i = 0; i < given.length; i++) if (!(Math.abs(read[i] - given[i]) <= tolerance)) return false;
  return true;
}

function withTimeout(work: Promise<Trainer>, ms: number, message: string): Promise<Trainer> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(message));
    }, ms);
  });
  work.then(
    (late) => {
      if (timedOut) late.dispose();
    },
    () => {},
  );
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** The training indices whose image is not of class `label` (all of them when `label` is null). */
export function withoutClass(train: Int32Array, labels: Uint8Array, label: number | null): Int32Array {
  return label === null ? train : train.filter((index) => labels[index] !== label);
}
