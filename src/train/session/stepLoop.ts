// The training loop: steps (queued several at a time on a GPU, whose loss read-back is slow), the
// epoch's figures at each epoch's end, and the hand-over to recovery when a step fails.
import { errorText } from '../../backends/activate';
import { GpuLostError } from '../../backends/gpuLoss';
import type { Trainer } from '../trainer';
import type { TermValues } from '../trainerState';
import { READBACK_MAX_MS, stepsPerReadback } from '../lossReadback';
import { yieldToEventLoop } from '../../lib/yieldToEventLoop';
import type { Recovery, RecoveryParts } from './recovery';

/**
 * Commands (Pause, a query from the page) get in between steps at least this often. A yield costs
 * 0.1-0.3 ms in a worker: after every step it took 3% of the two-thread WebAssembly loop. A command
 * now waits at most this long plus one step, which nobody sees.
 */
const YIELD_INTERVAL_MS = 16;

const DIVERGED =
  'Training diverged (the loss became NaN or infinite). The model was rolled back to its last good state; try a lower learning rate.';

/** The loop uses every part recovery uses, and recovery itself. */
export interface LoopParts extends RecoveryParts {
  recovery: Recovery;
}

export class StepLoop {
  private loop: Promise<void> | null = null;

  constructor(private readonly parts: LoopParts) {}

  running(): boolean {
    return this.loop !== null;
  }

  start(): void {
    const { status, slot, views } = this.parts;
    if (status.get() === 'training' || !slot.trainer) return;
    status.set('training');
    views.loopStarted(performance.now());
    // Only this loop's own end clears the slot: a loop started after a pause, while the paused one
    // still sent its last map, must not be reported as stopped when the old one ends.
    const loop: Promise<void> = this.run().finally(() => {
      if (this.loop === loop) this.loop = null;
    });
    this.loop = loop;
  }

  /** Pause a running loop and wait until it has finished its step. */
  async stop(): Promise<void> {
    if (this.parts.status.get() === 'training') this.parts.status.set('paused');
    await this.finished();
  }

  /** Settles when no loop runs (a paused one finishes its step first). */
  async finished(): Promise<void> {
    if (this.loop) await this.loop;
  }

  private async run(): Promise<void> {
    const { status, slot, planner, checkpoints, views, builder, recovery } = this.parts;
    let lastYield = performance.now();
    while (status.get() === 'training' && slot.trainer) {
      if (slot.gpuWatch?.lost()) await recovery.fromGpuLoss();
      if (planner.pendingMove) await builder.moveTo(planner.pendingMove);
      if (!slot.trainer) break;
      const ok = stepsPerReadback(planner.backend) > 1 ? await this.trainQueuedSteps() : await this.trainOneStep();
      if (!ok) break;
      const trainer: Trainer | null = slot.trainer;
      if (!trainer) break;
      const now = performance.now();
      if (trainer.finished) {
        views.emitProgress(now, true);
        await views.refresh();
        status.set('done');
        break;
      }
      await views.afterStep(now);
      // On a GPU, keep a read-back copy of the state now and then: a lost device keeps nothing.
      if (checkpoints.due(now)) await checkpoints.keep();
      if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    if (planner.pendingMove && status.get() !== 'training') await builder.moveTo(planner.pendingMove);
    if (status.get() === 'paused') {
      // The progress line is throttled: at a few ms a step it may be many steps behind. Send the
      // step training stopped at now, before the slower map refresh.
      views.emitProgress(performance.now(), true);
      await views.refresh();
    }
  }

  /**
   * GPU backends: queue up to `stepsPerReadback` steps (never past the end of an epoch, whose figures
   * need their losses) and read all their losses in one go. A NaN anywhere rolls back as one step would.
   */
  private async trainQueuedSteps(): Promise<boolean> {
    const { status, slot, planner, sums, recovery } = this.parts;
    const trainer = slot.trainer;
    if (!trainer) return false;
    const epochBefore = trainer.epoch;
    const limit = stepsPerReadback(planner.backend);
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
        status.get() === 'training'
      );
      read = await slot.readAlive(trainer.readPendingTerms());
    } catch (error) {
      return this.recoverAndRetry(error);
    }
    if (read.some((terms) => !Number.isFinite(terms.total))) {
      await recovery.rollBack(DIVERGED);
      return false;
    }
    for (const terms of read) sums.add(terms);
    if (trainer.epoch !== epochBefore || trainer.finished) await this.endEpochOrRecover(epochBefore);
    return true;
  }

  /** One step with failure handling: a dying backend hands over to the next, NaN rolls back. */
  async trainOneStep(): Promise<boolean> {
    const { slot, sums, recovery } = this.parts;
    const trainer = slot.trainer;
    if (!trainer) return false;
    const epochBefore = trainer.epoch;
    let loss: number;
    try {
      // A step on a lost context "succeeds" with zeros: readAlive refuses it, so it does not count.
      loss = await slot.readAlive(trainer.trainStep());
    } catch (error) {
      return this.recoverAndRetry(error);
    }
    if (!Number.isFinite(loss)) {
      await recovery.rollBack(DIVERGED);
      return false;
    }
    sums.add({ ...trainer.lastTerms(), total: loss });
    if (trainer.epoch !== epochBefore || trainer.finished) await this.endEpochOrRecover(epochBefore);
    return true;
  }

  /**
   * A step failed: recover (a lost GPU, or a backend that died), then take the step that failed
   * again on the new backend (each failing backend is marked broken, so this ends once a backend
   * works or none is left).
   */
  private async recoverAndRetry(error: unknown): Promise<boolean> {
    const { slot, planner, recovery } = this.parts;
    if (slot.isStaleLoss(error)) return slot.trainer !== null && this.trainOneStep();
    if (slot.isGpuLoss(error, planner.backend)) await recovery.fromGpuLoss(error);
    else await recovery.fromBackendFailure(errorText(error));
    return slot.trainer !== null && this.trainOneStep();
  }

  /**
   * The epoch's figures; a GPU lost while they are read (the held-out evaluation, the kept state)
   * is recovered from like one lost mid-step, rather than stopping the loop without a word.
   */
  private async endEpochOrRecover(epoch: number): Promise<void> {
    const { slot, planner, recovery } = this.parts;
    try {
      await this.endEpoch(epoch);
    } catch (error) {
      if (slot.isStaleLoss(error)) return;
      if (!slot.isGpuLoss(error, planner.backend)) throw error;
      await recovery.fromGpuLoss(error);
    }
  }

  private async endEpoch(epoch: number): Promise<void> {
    const { emit, inputs, slot, checkpoints, sums } = this.parts;
    const trainer = slot.trainer;
    if (!trainer || !inputs.data) return;
    const heldOutTerms = await slot.readAlive(trainer.evaluateTerms(inputs.data.heldOut));
    // The total, like trainLoss, so the two curves measure the same thing (for the basic kind
    // both are the reconstruction loss); the terms break them down.
    const heldOutLoss = heldOutTerms.total;
    const { trainLoss, trainTerms } = sums.takeMeans();
    // Kept at every epoch's end, before the epoch is reported (accepted and reported with no await
    // between, so no loss event can come in between): a loss never goes back past an epoch the loss
    // chart already shows. A state the dying device could not give means the epoch is trained again
    // from the last kept state, so it is not reported now.
    const read = await checkpoints.read();
    const kept = read !== null && checkpoints.accept(read);
    const watch = slot.gpuWatch;
    if (!kept && watch) throw new GpuLostError(watch.lost() ?? 'the state read back at the end of an epoch was all zeros', watch);
    emit({ type: 'epoch-end', epoch: epoch + 1, trainLoss, heldOutLoss, trainTerms, heldOutTerms });
  }
}
