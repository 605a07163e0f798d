// What the page shows of training, sent through `emit`: the progress line, the decoder weights
// for the probe, and the map's codes with the reconstructions, each throttled to a share of the
// training time so reading them back does not slow training down.
import { GpuLostError } from '../../backends/gpuLoss';
import type { Trainer } from '../trainer';
import type { WeightSnapshot } from '../../model/weights';
import type { ProgressFigures } from '../protocol';
import { pickOnePerClass } from '../../data/pickOnePerClass';
import type { Emit, SessionData, SessionInputs } from './context';
import type { EpochSums } from './epochSums';
import type { TrainerSlot } from './trainerSlot';
import { reconstructionErrors } from './reconstructionErrors';
import { mapRefreshInterval } from './mapRefreshInterval';

/** Decoder weights are cheap: send them often so the probe follows training closely. */
const WEIGHTS_INTERVAL_MS = 400;
/** Share of training time the decoder-weight snapshots may take. */
const WEIGHTS_TIME_SHARE = 0.03;
const PROGRESS_INTERVAL_MS = 150;
/** Images shown as originals next to their reconstructions. */
const RECONSTRUCTION_COUNT = 10;

export class ViewPublisher {
  /** Whether the map is coloured by reconstruction error, which needs every image rebuilt. */
  wantErrors = false;
  private reconstructionIndices: Int32Array = new Int32Array(0);
  /** Recent (time, step) pairs, for the throughput. */
  private speedSamples: { time: number; step: number }[] = [];
  private lastProgressAt = 0;
  private lastWeightsAt = 0;
  private lastWeightsCostMs = 0;
  private lastRefreshAt = 0;
  private lastRefreshCostMs = 0;
  /** When the running loop started, for the early-map refresh rule. */
  private loopStartedAt = 0;

  constructor(
    private readonly emit: Emit,
    private readonly inputs: SessionInputs,
    private readonly slot: TrainerSlot,
    private readonly sums: EpochSums,
  ) {}

  /** New data: pick the held-out images whose reconstructions are shown, one per class. */
  chooseReconstructions(heldOut: Int32Array, labels: Uint8Array): void {
    this.reconstructionIndices = pickOnePerClass(heldOut, labels, RECONSTRUCTION_COUNT);
  }

  loopStarted(now: number): void {
    this.loopStartedAt = now;
    this.forgetSpeed();
  }

  /** The throughput starts again (a new backend or a rebuilt trainer trains at its own speed). */
  forgetSpeed(): void {
    this.speedSamples = [];
  }

  /** A new model: every throttle starts again. */
  resetTimers(): void {
    this.speedSamples = [];
    this.lastRefreshAt = 0;
    this.lastWeightsAt = 0;
    this.lastProgressAt = 0;
  }

  /** After a step: the progress line, and the weights and the map when their throttles allow. */
  async afterStep(now: number): Promise<void> {
    this.emitProgress(now, false);
    // Reading weights back stalls a GPU backend's pipeline: keep it to a small share of the time.
    const weightsInterval = Math.max(WEIGHTS_INTERVAL_MS, this.lastWeightsCostMs / WEIGHTS_TIME_SHARE);
    if (now - this.lastWeightsAt > weightsInterval) await this.emitWeights(now);
    if (now - this.lastRefreshAt > mapRefreshInterval(this.lastRefreshCostMs, now - this.loopStartedAt)) await this.refresh();
  }

  /** The progress line, at most every PROGRESS_INTERVAL_MS unless `force`. */
  emitProgress(now: number, force: boolean): void {
    const trainer = this.slot.trainer;
    if (!trainer || !this.inputs.config) return;
    this.speedSamples.push({ time: now, step: trainer.globalStep });
    while (this.speedSamples.length > 2 && now - this.speedSamples[0].time > 3000) this.speedSamples.shift();
    if (!force && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    this.emit({ type: 'progress', figures: this.progressFigures(trainer, now) });
  }

  private progressFigures(trainer: Trainer, now: number): ProgressFigures {
    const batchSize = this.inputs.config?.training.batchSize ?? 0;
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
      batchLoss: this.sums.lastBatchLoss,
      batchTerms: this.sums.lastBatchTerms,
      engine: trainer.engineName,
      engineNote: trainer.engineNote ?? undefined,
    };
  }

  private async emitWeights(now: number): Promise<void> {
    const trainer = this.slot.trainer;
    if (!trainer) return;
    this.lastWeightsAt = now;
    const globalStep = trainer.globalStep;
    let weights: WeightSnapshot;
    try {
      weights = await this.slot.readAlive(trainer.decoderWeights());
    } catch (error) {
      // The device went away mid-read: the page's decoder keeps the last good weights, and the
      // loop rebuilds training next.
      if (error instanceof GpuLostError) return;
      throw error;
    }
    this.lastWeightsCostMs = performance.now() - now;
    this.emit({ type: 'decoder-weights', weights, globalStep });
  }

  /** Send everything the views show: codes of all images, reconstructions, decoder weights. */
  async refresh(): Promise<void> {
    try {
      await this.refreshOnce();
    } catch (error) {
      // The device went away mid-refresh: nothing was sent, and the loop rebuilds training next.
      if (!(error instanceof GpuLostError)) throw error;
    }
  }

  private async refreshOnce(): Promise<void> {
    const trainer = this.slot.trainer;
    const config = this.inputs.config;
    if (!trainer || !config || this.slot.gpuWatch?.lost()) return;
    // Each read is raced with a loss (reads on a lost context may never settle) and checked after.
    const read = <T>(work: Promise<T>): Promise<T> => this.slot.readAlive(work);
    const started = performance.now();
    const { kind, latentDim } = config.spec;
    const step = trainer.globalStep;
    const codes = await read(trainer.encodeAll());
    const logVar = kind === 'variational' ? await read(trainer.encodeLogVar()) : undefined;
    this.emit({ type: 'latents', codes, latentDim, globalStep: step, logVar });
    if (kind === 'sparse') {
      const values = await read(trainer.codeActivations(this.inputs.data?.heldOut ?? new Int32Array(0)));
      this.emit({ type: 'code-activations', values, latentDim, globalStep: step });
    }
    if (this.wantErrors) {
      const errors = await read(reconstructionErrors(trainer, this.inputs.data as SessionData));
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
    await this.emitWeights(now);
    const current = this.slot.trainer;
    if (current) this.emit({ type: 'progress', figures: this.progressFigures(current, now) });
    this.lastRefreshCostMs = now - started;
    this.lastRefreshAt = now;
  }
}
