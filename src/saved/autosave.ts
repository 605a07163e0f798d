// When to autosave: every few seconds while training, once more when training stops (Pause, done),
// never two saves at once, and a save asked for during one runs right after it.
import type { TrainerStatus } from '../train/protocol';

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const browserTimers: Timers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
};

export class AutosaveScheduler {
  private status: TrainerStatus = 'idle';
  private timer: unknown = null;
  private saving: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  /**
   * @param save writes one autosave; a rejection is passed to `onError` and the schedule goes on.
   * @param intervalMs time between autosaves while training.
   */
  constructor(
    private readonly save: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly timers: Timers = browserTimers,
  ) {}

  /** Follow the trainer's status: start the clock when training starts, save once when it stops. */
  statusChanged(status: TrainerStatus): void {
    const was = this.status;
    this.status = status;
    if (status === 'training' && this.timer === null && !this.stopped) {
      this.timer = this.timers.setInterval(() => void this.saveNow(), this.intervalMs);
    }
    if (status !== 'training' && this.timer !== null) {
      this.timers.clearInterval(this.timer);
      this.timer = null;
    }
    if (was === 'training' && (status === 'paused' || status === 'done')) void this.saveNow();
  }

  /** Save now, or right after the save in progress. Resolves when the state asked for is written. */
  saveNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.saving) {
      this.again = true;
      return this.saving;
    }
    this.saving = (async () => {
      do {
        this.again = false;
        try {
          await this.save();
        } catch (error) {
          this.onError(error);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  /** No more saves (the page is leaving, or the model is being replaced by another session). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearInterval(this.timer);
    this.timer = null;
  }
}
