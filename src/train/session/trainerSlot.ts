// The one Trainer the session holds, and the watch on the GPU under it. Reads from a GPU-backed
// trainer go through `readAlive`, which refuses what a lost device returns.
import type { ExperimentConfig } from '../../model/spec';
import { activateBackend, errorText } from '../../backends/activate';
import { GpuLostError, isGpuBackend, looksLikeGpuLoss, unlessGpuLost, watchGpuLoss, type GpuLossWatch } from '../../backends/gpuLoss';
import { Trainer } from '../trainer';
import type { TrainerState } from '../trainerState';
import type { BackendName } from '../protocol';
import type { SessionData } from './context';

export class TrainerSlot {
  trainer: Trainer | null = null;
  /** Watches the GPU under the trainer (null on wasm and cpu). */
  private watch: GpuLossWatch | null = null;
  /**
   * Reads started through `readAlive` that have not settled. Each holds tensors the read made (a
   * state's copies, a map's codes) until it settles, so a tensor count means most when this is 0.
   */
  readsInFlight = 0;

  /** `onLost`: told when a watched GPU is lost, whether or not a step was running. */
  constructor(private readonly onLost: (watch: GpuLossWatch) => void) {}

  get gpuWatch(): GpuLossWatch | null {
    return this.watch;
  }

  /** Whether `watch` is still the one on the current trainer (not replaced by a rebuild). */
  watching(watch: GpuLossWatch): boolean {
    return this.watch === watch;
  }

  /**
   * `work`'s value, or a GpuLostError if the GPU is lost before or while it settles: reads on a lost
   * context may never settle, and a read that does settle there "succeeds" with zeros.
   */
  async readAlive<T>(work: Promise<T>): Promise<T> {
    const watch = this.watch;
    let value: T;
    this.readsInFlight++;
    try {
      value = await unlessGpuLost(work, watch);
    } catch (error) {
      // A read failed by its device's loss names the watch it was read under, so a failure that
      // comes after training was rebuilt on a fresh device is known as stale (isStaleLoss).
      if (watch && !(error instanceof GpuLostError) && looksLikeGpuLoss(errorText(error))) throw new GpuLostError(errorText(error), watch);
      throw error;
    } finally {
      this.readsInFlight--;
    }
    if (watch?.lost()) throw new GpuLostError(watch.lost() ?? '', watch);
    return value;
  }

  /**
   * After an error that reads like a GPU loss, give the device's own report of it a moment to come:
   * a WebGPU read cut short by device.destroy() fails before the device's lost promise settles, and
   * recovery should see the loss as the watch reports it (one recovery, with the device's reason).
   */
  async awaitLossReport(ms: number): Promise<void> {
    const watch = this.watch;
    if (!watch || watch.lost() !== null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([watch.whenLost.then(() => undefined), limit]);
    clearTimeout(timer);
  }

  /** A trainer on backend `name` from `state` (or seeded afresh); rejects if the backend fails. Not installed. */
  async build(name: BackendName, config: ExperimentConfig, data: SessionData, state: TrainerState | null): Promise<Trainer> {
    await activateBackend(name);
    return Trainer.create(config, data, state);
  }

  /** Watch the GPU under a newly built trainer on `backend`. */
  watchGpu(backend: BackendName | null): void {
    this.dropWatch();
    if (!isGpuBackend(backend)) return;
    const watch = watchGpuLoss();
    this.watch = watch;
    void watch.whenLost.then(() => this.onLost(watch));
  }

  dropWatch(): void {
    this.watch?.dispose();
    this.watch = null;
  }

  /** Free the trainer; the slot is empty even if freeing throws (its tensors on a lost device). */
  dispose(): void {
    const trainer = this.trainer;
    this.trainer = null;
    trainer?.dispose();
  }

  /** Free the trainer where its device may be gone with its textures or buffers: a failure is expected. */
  disposeQuietly(): void {
    try {
      this.dispose();
    } catch {
      this.trainer = null;
    }
  }

  isGpuLoss(error: unknown, backend: BackendName | null): boolean {
    return error instanceof GpuLostError || this.watch?.lost() != null || (isGpuBackend(backend) && looksLikeGpuLoss(errorText(error)));
  }

  /** A loss already handled: a read that raced the old device's watch, after training was rebuilt. */
  isStaleLoss(error: unknown): boolean {
    return error instanceof GpuLostError && error.watch !== this.watch && this.watch?.lost() == null && this.trainer !== null;
  }
}
