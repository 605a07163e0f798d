// Training carries on after a failure: a lost GPU, a backend that fails mid-step, a loss that
// diverged. Each goes back to the last good state (see checkpoints.ts) on a backend that works.
import { errorText } from '../../backends/activate';
import { isGpuBackend, resetLostBackend } from '../../backends/gpuLoss';
import { Trainer } from '../trainer';
import type { TrainerState } from '../trainerState';
import type { BackendName } from '../protocol';
import { LOSS_WINDOW_MS, REBUILD_TIMEOUT_MS, gpuLossNotice, recoveryOrder } from './gpuRecovery';
import { nextAfterFailure } from './fallbackOrder';
import type { ExperimentConfig } from '../../model/spec';
import type { Emit, SessionData, SessionInputs, StatusCell } from './context';
import type { BackendPlanner } from './backendPlanner';
import type { Checkpoints } from './checkpoints';
import type { EpochSums } from './epochSums';
import type { TrainerBuilder } from './trainerBuilder';
import type { TrainerSlot } from './trainerSlot';
import type { ViewPublisher } from './viewPublisher';

export interface RecoveryParts {
  emit: Emit;
  inputs: SessionInputs;
  status: StatusCell;
  slot: TrainerSlot;
  planner: BackendPlanner;
  checkpoints: Checkpoints;
  sums: EpochSums;
  views: ViewPublisher;
  builder: TrainerBuilder;
}

/** How long a failed read that reads like a GPU loss waits for the device's own report of it. */
const LOSS_REPORT_WAIT_MS = 2000;

export class Recovery {
  /** When GPUs were lost lately (ms), so one that keeps failing is given up on. */
  private gpuLossTimes: number[] = [];
  /** The recovery from a lost GPU under way, if any. */
  private gpuRecovery: Promise<void> | null = null;

  constructor(private readonly parts: RecoveryParts) {}

  /**
   * The GPU under training is gone: nothing can be read from it, so training goes back to the last
   * state read while it was alive (weights, Adam moments, step, the epoch's loss sums) and is
   * rebuilt on the same backend if it comes back, else on the next one (see recoveryOrder).
   */
  fromGpuLoss(cause?: unknown): Promise<void> {
    // One recovery at a time. A loss can be reported twice (a read it cut short, then the device's
    // own report; or the loop and the idle watch at once): a second report while training is being
    // rebuilt is the same loss, and a second rebuild would leave the first one's trainer behind.
    if (this.gpuRecovery) return this.gpuRecovery;
    const recovery: Promise<void> = this.rebuildAfterGpuLoss(cause).finally(() => {
      if (this.gpuRecovery === recovery) this.gpuRecovery = null;
    });
    this.gpuRecovery = recovery;
    return recovery;
  }

  private async rebuildAfterGpuLoss(cause?: unknown): Promise<void> {
    const { emit, inputs, status, slot, planner, checkpoints, sums, views } = this.parts;
    // A failed read that reads like a loss may come before the device's own report: wait a moment
    // for it, inside the one recovery, so the notice gives the device's reason.
    if (cause !== undefined) await slot.awaitLossReport(LOSS_REPORT_WAIT_MS);
    const from = planner.backend;
    const watch = slot.gpuWatch;
    if (!from || !inputs.config || !inputs.data) return;
    const reason = watch?.lost() ?? (cause === undefined ? 'the device stopped working' : errorText(cause));
    slot.dropWatch();
    const reachedStep = slot.trainer?.globalStep ?? 0;
    const state = checkpoints.state;
    const keptSums = checkpoints.sums;
    slot.disposeQuietly();
    if (watch) resetLostBackend(watch);
    const now = performance.now();
    this.gpuLossTimes = [...this.gpuLossTimes.filter((time) => now - time < LOSS_WINDOW_MS), now];
    for (const name of recoveryOrder(from, this.gpuLossTimes, now, planner.broken())) {
      let rebuilt: Trainer;
      try {
        // The read-back check is inside the time limit: a read on a dead context may never settle.
        const built = buildAndCheck(slot, name, inputs.config as ExperimentConfig, inputs.data as SessionData, state);
        rebuilt = await withTimeout(built, REBUILD_TIMEOUT_MS, `${name} did not come back within ${REBUILD_TIMEOUT_MS / 1000} s`);
      } catch (error) {
        planner.markBroken(name, errorText(error));
        continue;
      }
      slot.trainer = rebuilt;
      planner.backend = name;
      slot.watchGpu(name);
      sums.restore(keptSums);
      views.forgetSpeed();
      const fromStep = rebuilt.globalStep;
      emit({ type: 'backend-fallback', from, to: name, message: gpuLossNotice(from, reason, name, fromStep, reachedStep) });
      planner.announce('fallback');
      // The page may have been sent views read from the dying device: replace them now.
      await views.refresh();
      return;
    }
    status.set('paused');
    throw new Error(`The GPU was lost (${reason}) and no other backend could take over training.`);
  }

  /** The backend failed mid-step (not a GPU loss): mark it broken and carry on on the next one. */
  async fromBackendFailure(problem: string): Promise<void> {
    const { emit, slot, planner, checkpoints, builder } = this.parts;
    const from = planner.backend;
    let state: TrainerState | null = null;
    try {
      state = slot.trainer ? await slot.readAlive(slot.trainer.exportState()) : null;
    } catch {
      state = checkpoints.state;
    }
    slot.disposeQuietly();
    if (!from) return;
    planner.markBroken(from, problem);
    const next = nextAfterFailure(from, planner.reports);
    planner.backend = next;
    emit({ type: 'backend-fallback', from, to: next, message: `${from} failed during training (${problem}); training moved to ${next} and goes on.` });
    planner.announce('fallback');
    await builder.build(state ?? checkpoints.state);
  }

  /** The loss diverged: pause, and go back to the last good state. */
  async rollBack(message: string): Promise<void> {
    const { emit, inputs, status, slot, checkpoints } = this.parts;
    status.set('paused');
    if (checkpoints.state && inputs.config && inputs.data) {
      slot.dispose();
      slot.trainer = await Trainer.restore(inputs.config, inputs.data, checkpoints.state);
    }
    emit({ type: 'error', message });
  }
}

/**
 * A trainer rebuilt on `name` from `state`. A context made while a crashed GPU process restarts
 * can be dead without saying so: it reads back zeros, and training would go on from an all-zero
 * model. So on a GPU the weights are read back and compared first.
 */
async function buildAndCheck(slot: TrainerSlot, name: BackendName, config: ExperimentConfig, data: SessionData, state: TrainerState | null): Promise<Trainer> {
  const rebuilt = await slot.build(name, config, data, state);
  if (!state || !isGpuBackend(name) || (await readsBackWeights(rebuilt, state))) return rebuilt;
  try {
    rebuilt.dispose();
  } catch {
    // freed with its device
  }
  throw new Error('its fresh context read back other weights than it was given');
}

/**
 * Whether a rebuilt trainer's first encoder layer reads back the weights of `state` (to half-float
 * precision: some GPUs keep 16-bit textures). A dead context reads zeros.
 */
export async function readsBackWeights(trainer: Trainer, state: TrainerState): Promise<boolean> {
  const given = state.encoder.values[0];
  if (!given || given.length === 0) return true;
  let read: Float32Array;
  try {
    read = (await trainer.encoderWeights()).values[0];
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

/** `work`, or a rejection with `message` if it takes longer than `ms`; a late result is disposed. */
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
