// The messages between the session and the backend measurement's own worker: one request (the
// model and a few batches of data), one answer (a report per backend, or why there is none).
import type { ExperimentConfig } from '../model/spec';
import type { TrainerData } from './trainerState';
import type { BackendReport } from './protocol';

export interface MeasureRequest {
  config: ExperimentConfig;
  data: TrainerData;
}

export type MeasureAnswer = { reports: BackendReport[] } | { error: string };
