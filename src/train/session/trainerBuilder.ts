// Builds the trainer on the planned backend, or on the next one that works, and moves a built
// model from one backend to another.
import { errorText } from '../../backends/activate';
import type { TrainerState } from '../trainerState';
import type { BackendMove } from '../backendMove';
import type { ExperimentConfig } from '../../model/spec';
import type { Emit, SessionData, SessionInputs } from './context';
import type { BackendPlanner } from './backendPlanner';
import type { Checkpoints } from './checkpoints';
import type { TrainerSlot } from './trainerSlot';
import type { ViewPublisher } from './viewPublisher';

export interface BuilderParts {
  emit: Emit;
  inputs: SessionInputs;
  slot: TrainerSlot;
  planner: BackendPlanner;
  checkpoints: Checkpoints;
  views: ViewPublisher;
}

export class TrainerBuilder {
  /** The last engine note announced, so a rebuild on the same GPU does not repeat its notice. */
  private announcedEngineNote: string | null = null;

  constructor(private readonly parts: BuilderParts) {}

  /**
   * Create the trainer on the planned backend, or on the next working backend if that one fails.
   * With a state, training continues where it was (weights and optimizer moments restored).
   */
  async build(state: TrainerState | null): Promise<void> {
    const { emit, inputs, slot, planner, checkpoints } = this.parts;
    const planned = planner.backend;
    if (!inputs.data || !inputs.config || !planned) return;
    // Where the planned backend is known not to work here, the notice says why it was passed over.
    const passedOver = planner.reports.find((report) => report.name === planned && !report.works)?.problem;
    let lastProblem = passedOver ?? '';
    for (const name of planner.buildOrder(planned)) {
      try {
        slot.trainer = await slot.build(name, inputs.config as ExperimentConfig, inputs.data as SessionData, state);
        if (name !== planned) {
          emit({ type: 'backend-fallback', from: planned, to: name, message: passedOver !== undefined ? `${planned} cannot train this model here (${passedOver}); training moved to ${name}.` : `${planned} failed (${lastProblem}); training moved to ${name}.` });
          planner.backend = name;
          planner.announce('fallback');
        }
        this.announceEngineNote(name);
        slot.watchGpu(planner.backend);
        await checkpoints.keep();
        return;
      } catch (error) {
        lastProblem = errorText(error);
        planner.markBroken(name, lastProblem);
      }
    }
    throw new Error(`No backend could build this model (last problem: ${lastProblem}).`);
  }

  /** Where the built trainer passed over a faster engine (the WGSL step on a GPU that cannot run it), say which trains and why. */
  private announceEngineNote(backend: string): void {
    const trainer = this.parts.slot.trainer;
    const note = trainer?.engineNote ?? null;
    if (trainer && note && note !== this.announcedEngineNote) {
      this.parts.emit({ type: 'engine-passed-over', message: `${trainer.engineName} trains on ${backend}: ${note}` });
    }
    this.announcedEngineNote = note;
  }

  /** Move the model, its Adam moments and its progress to another backend; loss history and epoch sums stay. */
  async moveTo(move: BackendMove): Promise<void> {
    const { emit, slot, planner, views } = this.parts;
    planner.pendingMove = null;
    const from = planner.backend;
    if (!slot.trainer || !from || move.to === from) return;
    const state = await slot.readAlive(slot.trainer.exportState());
    slot.dispose();
    planner.backend = move.to;
    await this.build(state);
    if (planner.backend === move.to) emit({ type: 'backend-moved', from, to: move.to, message: move.message });
    planner.announce(planner.backend === move.to ? 'measured' : 'fallback');
    views.forgetSpeed();
  }
}
