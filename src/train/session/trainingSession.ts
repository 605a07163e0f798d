// The training session behind the worker: takes the page's commands one after another and turns
// them into work for its parts (see the folder's other modules), which report through `emit`.
// Free of worker APIs so it can also run in the page (the fallback when a worker cannot start)
// and be driven directly by tests.
import type { TrainerState } from '../trainerState';
import type { BackendName, BackendReport, ModelTag, WorkerCommand, WorkerEvent } from '../protocol';
import { warmUpLikelyBackend } from '../backendChoice';
import { measureInWorker, type BackendMeasurer } from '../backgroundMeasure';
import { SessionInputs, StatusCell, tagModelEvents, type Emit } from './context';
import { CommandQueue } from './commandQueue';
import { BackendPlanner } from './backendPlanner';
import { TrainerSlot } from './trainerSlot';
import { EpochSums } from './epochSums';
import { Checkpoints } from './checkpoints';
import { ViewPublisher } from './viewPublisher';
import { TrainerBuilder } from './trainerBuilder';
import { Recovery } from './recovery';
import { StepLoop } from './stepLoop';
import { answerEncodeImages, answerExportState, answerSnapshot } from './queries';

export type { Emit } from './context';

export interface SessionOptions {
  /** Measures the backends beside training; the default runs the self-test in a worker of its own. */
  measurer?: BackendMeasurer;
}

export class TrainingSession {
  private readonly inputs = new SessionInputs();
  private readonly status: StatusCell;
  private readonly queue: CommandQueue;
  private readonly planner: BackendPlanner;
  private readonly slot: TrainerSlot;
  private readonly sums = new EpochSums();
  private readonly checkpoints: Checkpoints;
  private readonly views: ViewPublisher;
  private readonly builder: TrainerBuilder;
  private readonly recovery: Recovery;
  private readonly loop: StepLoop;
  /** Every training index of the split, and the class left out of training (anomaly detection). */
  private allTrain: Int32Array = new Int32Array(0);
  private excludedClass: number | null = null;
  /**
   * The tag of the last model command run ('configure', 'restore', 'reset'); every event about the
   * model goes out with it, so the page can tell a replaced model's late events from the new one's.
   */
  private modelTag: ModelTag = 0;
  private readonly emit: Emit;

  /** `send`: where the events go, those about the model tagged (see `ModelTag`). */
  constructor(send: (event: WorkerEvent) => void, options: SessionOptions = {}) {
    const emit = tagModelEvents(send, () => this.modelTag);
    this.emit = emit;
    const { inputs, sums } = this;
    this.status = new StatusCell(emit);
    // Commands wait for the warm-up, which runs while the page is still fetching its data.
    this.queue = new CommandQueue(warmUpLikelyBackend(), emit);
    this.planner = new BackendPlanner(emit, options.measurer ?? measureInWorker);
    // A loss while no loop runs is handled as a command; a running loop handles it between steps.
    this.slot = new TrainerSlot((watch) => {
      void this.queue.enqueue(() => (this.slot.watching(watch) && !this.loop.running() ? this.recovery.fromGpuLoss() : undefined));
    });
    this.checkpoints = new Checkpoints(this.slot, sums);
    this.views = new ViewPublisher(emit, inputs, this.slot, sums);
    const parts = { emit, inputs, status: this.status, slot: this.slot, planner: this.planner, checkpoints: this.checkpoints, sums, views: this.views };
    this.builder = new TrainerBuilder(parts);
    this.recovery = new Recovery({ ...parts, builder: this.builder });
    this.loop = new StepLoop({ ...parts, builder: this.builder, recovery: this.recovery });
  }

  /** Reads of the trainer not settled yet (for the tests' tensor counts; see TrainerSlot.readsInFlight). */
  get readsInFlight(): number {
    return this.slot.readsInFlight;
  }

  /** Commands run one after another; `pause` acts at once so it can stop a running loop. */
  handle(command: WorkerCommand): Promise<void> {
    if (command.type === 'pause') {
      if (this.status.get() === 'training') this.status.set('paused');
      return this.queue.settled();
    }
    return this.queue.enqueue(() => this.run(command));
  }

  private async run(command: WorkerCommand): Promise<void> {
    switch (command.type) {
      case 'load-data':
        await this.loop.stop();
        this.planner.cancelMeasurement();
        this.slot.dispose();
        this.allTrain = command.train;
        this.inputs.data = {
          images: command.images,
          labels: command.labels,
          shape: command.shape,
          train: withoutClass(command.train, command.labels, this.excludedClass),
          heldOut: command.heldOut,
        };
        this.views.chooseReconstructions(command.heldOut, command.labels);
        this.planner.measuredFor = '';
        return;
      case 'configure':
        await this.loop.stop();
        this.adoptModelTag(command.model);
        this.inputs.config = command.config;
        await this.rebuild();
        return;
      case 'reset':
        await this.loop.stop();
        this.adoptModelTag(command.model);
        await this.rebuild();
        return;
      case 'train':
        if (!this.slot.trainer) await this.rebuild();
        if (!this.slot.trainer) return;
        if (this.slot.trainer.finished) await this.rebuild();
        // A loop paused a moment ago may still be sending its last map: one loop at a time.
        if (this.status.get() !== 'training') await this.loop.finished();
        this.loop.start();
        return;
      case 'step': {
        await this.loop.stop();
        if (!this.slot.trainer) await this.rebuild();
        if (!this.slot.trainer || this.slot.trainer.finished) return;
        await this.loop.trainOneStep();
        await this.views.refresh();
        this.status.set(this.slot.trainer?.finished ? 'done' : 'paused');
        return;
      }
      case 'set-backend':
        // "Fastest (measure)": measure beside the running model and move when the answer comes.
        if (command.backend === null && this.slot.trainer && this.measureAgain()) return;
        await this.loop.stop();
        this.planner.cancelMeasurement();
        await this.switchBackend(command.backend);
        return;
      case 'want-reconstruction-errors':
        this.views.wantErrors = command.enabled;
        if (command.enabled && this.status.get() !== 'training') await this.views.refresh();
        return;
      case 'encode-images':
        await answerEncodeImages(this.slot, this.emit, command);
        return;
      case 'export-state':
        await answerExportState(this.slot, this.emit, command.id);
        return;
      case 'restore':
        await this.loop.stop();
        this.adoptModelTag(command.model);
        this.inputs.config = command.config;
        await this.rebuild(command.state);
        return;
      case 'exclude-class':
        this.excludedClass = command.label;
        if (this.inputs.data) this.inputs.data = { ...this.inputs.data, train: withoutClass(this.allTrain, this.inputs.data.labels, command.label) };
        return;
      case 'snapshot-model':
        await answerSnapshot(this.slot, this.emit, command.id);
        return;
      case 'pause':
        return;
    }
  }

  /**
   * From now on events are about the model `tag` names. Called only once the old model's loop has
   * stopped: the map it was still sending as it stopped is the old model's, and keeps the old tag.
   */
  private adoptModelTag(tag: ModelTag): void {
    this.modelTag = tag;
  }

  /**
   * Build a fresh, seeded model, or, given a saved state, the same model carried on from that state.
   * A model shape measured before goes to its fastest backend; a new one starts at once on a guess
   * from feature detection, and the measurement runs beside it (see `startMeasurement`).
   */
  private async rebuild(resumeFrom: TrainerState | null = null): Promise<void> {
    const { inputs, planner } = this;
    if (!inputs.data || !inputs.config) return;
    this.slot.dispose();
    planner.pendingMove = null;
    this.status.set('preparing');
    const key = inputs.modelKey();
    let measureLater = false;
    if (planner.userChoice) {
      planner.cancelMeasurement();
      // What can train this model here, so a pick it cannot train on is passed over with why.
      await planner.readReports(inputs.config);
      planner.backend = planner.userChoice;
    } else if (planner.needsGuess(key)) {
      planner.cancelMeasurement();
      await planner.guessFirst(inputs.config);
      measureLater = true;
    }
    await this.builder.build(resumeFrom);
    if (planner.userChoice && planner.backend === planner.userChoice) planner.announce('user');
    this.resetTimers();
    const resumed = resumeFrom !== null && resumeFrom.globalStep > 0;
    this.status.set(resumed ? (this.slot.trainer?.finished ? 'done' : 'paused') : 'idle');
    await this.views.refresh();
    if (measureLater && !planner.concludeWithoutTiming(key)) this.startMeasurement(key);
  }

  /** The user asked for the fastest backend: measure in the background; false if that cannot run here. */
  private measureAgain(): boolean {
    this.planner.userChoice = null;
    this.planner.cancelMeasurement();
    if (!this.planner.backend || !this.startMeasurement(this.inputs.modelKey())) return false;
    this.planner.announce('guess');
    return true;
  }

  /**
   * Measure every backend in the background; its answer is applied as a command (see
   * `applyMeasurement`). False when nothing can measure beside training here.
   */
  private startMeasurement(key: string): boolean {
    const { data, config } = this.inputs;
    if (!data || !config) return false;
    return this.planner.startMeasurement(key, config, data, (reports, measuredKey) => {
      void this.queue.enqueue(() => this.applyMeasurement(reports, measuredKey));
    });
  }

  /**
   * The measurement's answer for the model shape `key`: remember it, and move training to the fastest
   * backend if that is a clear win. A running loop moves at its next step boundary.
   */
  private async applyMeasurement(measured: BackendReport[], key: string): Promise<void> {
    const { planner } = this;
    if (key !== this.inputs.modelKey() || planner.userChoice || !planner.backend) return;
    const move = planner.acceptMeasurement(measured, key);
    if (!move) {
      planner.announce('measured');
      return;
    }
    if (this.status.get() === 'training') {
      planner.pendingMove = move;
      return;
    }
    await this.loop.finished(); // a loop that was just paused finishes its step first
    // (The await above may have let a Train command start the loop again.)
    if (this.status.get() === 'training') {
      planner.pendingMove = move;
      return;
    }
    await this.builder.moveTo(move);
  }

  /** The user picked a backend (or asked to measure again): move the model there, keeping progress. */
  private async switchBackend(requested: BackendName | null): Promise<void> {
    const { inputs, planner } = this;
    planner.userChoice = requested;
    if (requested) planner.backend = requested;
    if (!inputs.data || !inputs.config) return;
    const state = this.slot.trainer ? await this.slot.readAlive(this.slot.trainer.exportState()) : this.checkpoints.state;
    this.slot.dispose();
    this.status.set('preparing');
    if (requested === null) {
      await planner.measureHere(inputs.config, inputs.data, inputs.modelKey());
    } else {
      planner.backend = requested;
      planner.announce('user');
    }
    await this.builder.build(state);
    this.resetTimers();
    this.status.set(this.slot.trainer?.finished ? 'done' : 'paused');
    await this.views.refresh();
  }

  /** A new model, or one moved by hand: throughput, throttles and the epoch's sums start again. */
  private resetTimers(): void {
    this.views.resetTimers();
    this.sums.reset();
    this.checkpoints.forgetSums();
  }
}

/** The training indices whose image is not of class `label` (all of them when `label` is null). */
export function withoutClass(train: Int32Array, labels: Uint8Array, label: number | null): Int32Array {
  return label === null ? train : train.filter((index) => labels[index] !== label);
}
