// What every Applications tab can reach: the measure tick, the analysis worker, and the current
// model (weights of both networks, its config, the dataset, its codes and map) synced into that worker.
import { createContext, useContext } from 'react';
import type { AnalysisClient } from '../../analysis/analysisClient';
import type { DatasetInfo, LatentSnapshot, MapSnapshot } from '../../state/appState';
import type { ExperimentConfig } from '../../model/spec';
import type { AppController } from '../../state/controller';
import type { ModelSnapshot } from '../../train/client';
import type { ModelSlot } from '../../analysis/analysisProtocol';

/** One model as it was at one measure tick, already loaded into the analysis worker under `slot`. */
export interface MeasuredModel {
  slot: ModelSlot;
  config: ExperimentConfig;
  dataset: DatasetInfo;
  snapshot: ModelSnapshot;
  /** Codes and map as last sent by the training worker (may lag the weights by a refresh). */
  latents: LatentSnapshot | null;
  map: MapSnapshot | null;
}

export interface ApplicationsContextValue {
  /** Changes on Pause, at each epoch end and when `Measure` is pressed. */
  tick: number;
  /** The model has taken no training step yet (a fresh one, not a resumed session). */
  untrained: boolean;
  analysis: AnalysisClient;
  /**
   * The model on screen at this tick, loaded into the analysis worker (one snapshot per tick, shared
   * by every tab). Rejects when there is no model yet.
   */
  measureModel(): Promise<MeasuredModel>;
  /** Compare mode's second model, loaded as slot 'second', or null outside compare mode. */
  measureSecondModel(): Promise<MeasuredModel> | null;
  /** The second controller in compare mode, else null. */
  second: AppController | null;
}

export const ApplicationsContext = createContext<ApplicationsContextValue | null>(null);

export function useApplications(): ApplicationsContextValue {
  const value = useContext(ApplicationsContext);
  if (!value) throw new Error('useApplications must be used inside the Applications panel.');
  return value;
}
