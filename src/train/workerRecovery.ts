// What the page keeps so that a crashed or silent training worker can be replaced without losing
// the run: the data the worker was given, the model's settings, the latest training state it sent
// (weights, Adam moments, step) and the choices made since; and the commands that rebuild a fresh
// worker from them. Plain bookkeeping, free of worker APIs, so tests can drive it directly.
import type { ExperimentConfig } from '../model/spec';
import type { TrainerState } from './trainerState';
import type { BackendName, ModelTag, TrainerStatus, WorkerCommand, WorkerEvent } from './protocol';

type LoadData = Extract<WorkerCommand, { type: 'load-data' }>;

/**
 * A silent worker is given up on after this long while it trains (it sends progress several times a
 * second when steps are quick), or after SLOW_STEP_ALLOWANCE of its slowest steps, if longer.
 */
export const WORKER_SILENCE_MS = 15_000;
/**
 * Until a training worker has finished a step under the page's eyes, it may be compiling shaders and
 * taking its first steps: on a software GPU (SwiftShader) a convolutional model's first step took
 * 10-20 s on an idle machine and more on a loaded one, and each synchronous GL call in the worker
 * waits for the GPU's queue, so the worker cannot answer meanwhile.
 */
export const FIRST_STEP_SILENCE_MS = 90_000;
/** How many of its slowest steps a worker may stay silent: a model whose steps take 7 s is not hung at 15 s. */
export const SLOW_STEP_ALLOWANCE = 4;
/** The longest silence allowed however slow the steps: past it, a worker is taken for hung. */
export const MAX_SILENCE_MS = 5 * 60_000;
/** How often the page asks a training worker for its state: what a crash can lose at most. */
export const STATE_KEEP_INTERVAL_MS = 5_000;
/** More restarts than this within RESTART_WINDOW_MS means something is wrong that a restart cannot fix. */
export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

export class WorkerRecoveryLog {
  private data: LoadData | null = null;
  private config: ExperimentConfig | null = null;
  /**
   * The tag the page gave the model built from `config`: a replacement worker builds it under the
   * same tag, else the page would drop every event of the worker that carries on.
   */
  private modelTag: ModelTag = 0;
  /** The latest state of the model built from `config`, or null before the first one arrives. */
  private state: TrainerState | null = null;
  /** Bumped by every command that replaces the model, so a late state of an older one is refused. */
  private modelGeneration = 0;
  private wantReconstructionErrors = false;
  private backendChoice: { backend: BackendName | null } | null = null;
  private restartTimes: number[] = [];
  /** The worker's last reported status. */
  status: TrainerStatus = 'idle';
  /** The step of the worker's latest progress report. */
  reportedStep = 0;
  /** When the worker was last heard from (ms, the clock passed in). */
  lastHeardAt: number;
  /** The last progress report of this worker's current run: its step and when it came. */
  private lastProgress: { step: number; at: number } | null = null;
  /** Whether this worker has finished a step since it started training (its shaders are built). */
  private steppedSinceStart = false;
  /** The longest time between two progress reports with different steps, while training (ms). */
  private slowestStepMs = 0;

  constructor(now: number) {
    this.lastHeardAt = now;
  }

  /**
   * Note a command before it is sent (and its buffers transferred): data and model commands are
   * kept, with copies of their buffers, so they can be sent again.
   */
  recordCommand(command: WorkerCommand): void {
    switch (command.type) {
      case 'load-data':
        this.data = {
          ...command,
          images: command.images.slice(),
          labels: command.labels.slice(),
          train: command.train.slice(),
          heldOut: command.heldOut.slice(),
        };
        this.state = null;
        this.modelGeneration++;
        return;
      case 'configure':
        this.config = command.config;
        this.modelTag = command.model;
        this.state = null;
        this.modelGeneration++;
        return;
      case 'restore':
        this.config = command.config;
        this.modelTag = command.model;
        this.state = structuredClone(command.state);
        this.modelGeneration++;
        return;
      case 'reset':
        this.modelTag = command.model;
        this.state = null;
        this.modelGeneration++;
        return;
      case 'want-reconstruction-errors':
        this.wantReconstructionErrors = command.enabled;
        return;
      case 'set-backend':
        this.backendChoice = { backend: command.backend };
        return;
      default:
        return;
    }
  }

  /** Note an event from the worker: it is alive, and its status is kept. */
  recordEvent(event: WorkerEvent, now: number): void {
    this.lastHeardAt = now;
    if (event.type === 'status') {
      if (event.status === 'training' && this.status !== 'training') this.startWatchingSteps();
      this.status = event.status;
    } else if (event.type === 'progress') {
      const step = event.figures.globalStep;
      this.reportedStep = step;
      if (this.status === 'training') this.noteProgress(step, now);
    }
  }

  /** A fresh worker replaces the last one: it starts again from its first step, shaders and all. */
  workerReplaced(now: number): void {
    this.lastHeardAt = now;
    this.startWatchingSteps();
  }

  /** How long the worker may say nothing while training before it is taken for hung. */
  silenceLimitMs(): number {
    if (!this.steppedSinceStart) return FIRST_STEP_SILENCE_MS;
    return Math.min(MAX_SILENCE_MS, Math.max(WORKER_SILENCE_MS, SLOW_STEP_ALLOWANCE * this.slowestStepMs));
  }

  private startWatchingSteps(): void {
    this.lastProgress = null;
    this.steppedSinceStart = false;
  }

  private noteProgress(step: number, now: number): void {
    const last = this.lastProgress;
    if (last && step === last.step) return;
    if (last) {
      this.steppedSinceStart = true;
      this.slowestStepMs = Math.max(this.slowestStepMs, now - last.at);
    }
    this.lastProgress = { step, at: now };
  }

  /** A token for a state request; pass it back with the answer. */
  stateRequestToken(): number {
    return this.modelGeneration;
  }

  /** Keep a state the worker sent, unless the model has been replaced since it was asked for. */
  keepState(state: TrainerState, token: number): void {
    if (token !== this.modelGeneration) return;
    if (this.state && state.globalStep < this.state.globalStep) return;
    this.state = state;
  }

  /** Steps of the kept state (0 before any). */
  get keptStep(): number {
    return this.state?.globalStep ?? 0;
  }

  /** True when the worker has said nothing for too long while it should be training. */
  isSilent(now: number): boolean {
    return this.status === 'training' && now - this.lastHeardAt > this.silenceLimitMs();
  }

  /** Count a restart; false when there have been too many lately to try another. */
  allowRestart(now: number): boolean {
    this.restartTimes = this.restartTimes.filter((time) => now - time < RESTART_WINDOW_MS);
    if (this.restartTimes.length >= MAX_RESTARTS) return false;
    this.restartTimes.push(now);
    return true;
  }

  /**
   * The commands that bring a fresh worker to where this one was: the data, the model at its
   * latest kept state (or built afresh from its settings), the choices made, then training again
   * if it was training. Each call returns fresh copies, since sending transfers their buffers.
   */
  replay(): WorkerCommand[] {
    const commands: WorkerCommand[] = [];
    if (this.data) {
      const data = this.data;
      commands.push({
        ...data,
        images: data.images.slice(),
        labels: data.labels.slice(),
        train: data.train.slice(),
        heldOut: data.heldOut.slice(),
      });
    }
    if (this.backendChoice) commands.push({ type: 'set-backend', backend: this.backendChoice.backend });
    if (this.config) {
      const model = this.modelTag;
      if (this.state) commands.push({ type: 'restore', config: this.config, state: structuredClone(this.state), model });
      else commands.push({ type: 'configure', config: this.config, model });
    }
    if (this.wantReconstructionErrors) commands.push({ type: 'want-reconstruction-errors', enabled: true });
    if (this.config && this.status === 'training') commands.push({ type: 'train' });
    return commands;
  }
}
