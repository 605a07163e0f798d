// What the training session's parts share: the event sink, the data and settings the trainer is
// built from, and the status. Each part is handed these when it is made; none holds the session.
import type { ExperimentConfig } from '../../model/spec';
import type { TrainerData } from '../trainerState';
import { isModelEvent, type ModelTag, type SessionEvent, type TrainerStatus, type WorkerEvent } from '../protocol';

/** How the parts report: untagged; the session tags events about the model on their way out. */
export type Emit = (event: SessionEvent) => void;

/**
 * The parts' `Emit` over `send`: each event about the model goes out with `tag()`, the tag of the
 * last model command the session has run. One wrapper, so no emit site can forget the tag.
 */
export function tagModelEvents(send: (event: WorkerEvent) => void, tag: () => ModelTag): Emit {
  return (event) => send(isModelEvent(event) ? { ...event, model: tag() } : event);
}

export interface SessionData extends TrainerData {
  labels: Uint8Array;
}

/** The data and model settings the next trainer is built from; commands replace them. */
export class SessionInputs {
  data: SessionData | null = null;
  config: ExperimentConfig | null = null;

  /** The model shape a measurement holds for: the same spec and batch size train at the same speed. */
  modelKey(): string {
    return this.config ? JSON.stringify([this.config.spec, this.config.training.batchSize]) : '';
  }
}

/** The session's status; each change is announced once. */
export class StatusCell {
  private value: TrainerStatus = 'idle';

  constructor(private readonly emit: Emit) {}

  get(): TrainerStatus {
    return this.value;
  }

  set(status: TrainerStatus): void {
    if (this.value === status) return;
    this.value = status;
    this.emit({ type: 'status', status });
  }
}
