// The last training state known to be good, read back to plain arrays while the device was alive,
// to fall back on when a backend dies mid-step, the GPU is lost, or the loss diverges.
import type { TrainerState } from '../trainerState';
import { goodStateInterval } from './gpuRecovery';
import { emptySums, type EpochSums, type SumsSnapshot } from './epochSums';
import type { TrainerSlot } from './trainerSlot';

/** A state read back, with the epoch's sums at the moment of the read. */
export interface ReadState {
  state: TrainerState;
  sums: SumsSnapshot;
  /** When the read began (performance.now()), for its cost. */
  started: number;
}

export class Checkpoints {
  /** Last state known to be good. */
  state: TrainerState | null = null;
  /** The epoch's loss sums when `state` was kept, so steps trained again are not counted twice. */
  sums: SumsSnapshot = emptySums();
  private keptAt = 0;
  private lastCostMs = 0;

  constructor(
    private readonly slot: TrainerSlot,
    private readonly epochSums: EpochSums,
  ) {}

  /** Read the whole state back, if the device is alive, to fall back on later. Says whether it kept it. */
  async keep(): Promise<boolean> {
    const read = await this.read();
    return read !== null && this.accept(read);
  }

  /**
   * The trainer's state and the epoch's sums as of this call, read back (null without a trainer, or
   * where the read failed, which a lost device can make it do). Taken apart from `accept` so a
   * caller can accept and report in one synchronous stretch, with no loss event in between.
   */
  async read(): Promise<ReadState | null> {
    const trainer = this.slot.trainer;
    if (!trainer) return null;
    const started = performance.now();
    const sums = this.epochSums.snapshot();
    try {
      const state = await this.slot.readAlive(trainer.exportState());
      return { state, sums, started };
    } catch {
      return null;
    }
  }

  /** Keep `read` as the last good state unless it was read from a dying device; says whether it did. */
  accept(read: ReadState): boolean {
    // Read while the device was dying: zeros, not a state. The previous one stays. A crashed GPU
    // process can read zeros before its context reports the loss, so an all-zero first layer (never
    // a trained model's) is refused too.
    if (this.slot.gpuWatch?.lost() || allZero(read.state.encoder.values[0])) return false;
    this.state = read.state;
    this.sums = read.sums;
    this.keptAt = performance.now();
    this.lastCostMs = this.keptAt - read.started;
    return true;
  }

  /** On a GPU, whether to keep a state again now: a lost device keeps nothing, so one is kept now and then. */
  due(now: number): boolean {
    return this.slot.gpuWatch !== null && now - this.keptAt > goodStateInterval(this.lastCostMs);
  }

  /** A new run's sums start from nothing. */
  forgetSums(): void {
    this.sums = emptySums();
  }
}

function allZero(values: Float32Array | undefined): boolean {
  if (!values || values.length === 0) return false;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}
