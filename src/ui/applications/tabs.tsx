// The Applications panel's tabs, in the order the lesson lists the uses of an autoencoder.
import type { ComponentType } from 'react';
import { VersusPcaTab } from './VersusPcaTab';
import { DenoisingTab } from './DenoisingTab';
import { AnomaliesTab } from './AnomaliesTab';
import { CompressionTab } from './CompressionTab';
import { BottleneckSweepTab } from './BottleneckSweepTab';
import { FeaturesTab } from './FeaturesTab';
import { GenerationTab } from './GenerationTab';

export interface ApplicationTab {
  /** Stable id for element ids and tests, e.g. 'versus-pca'. */
  id: string;
  /** The tab's visible name, e.g. 'Versus PCA'. */
  label: string;
  /** The tab's content; it reads the model through `useApplications()` and recomputes on `useMeasureTick()`. */
  Component: ComponentType;
}

/** Lesson order: Versus PCA, Denoising, Anomalies, Compression, Generation, Features, Bottleneck sweep. */
export const APPLICATION_TABS: ApplicationTab[] = [
  { id: 'versus-pca', label: 'Versus PCA', Component: VersusPcaTab },
  { id: 'denoising', label: 'Denoising', Component: DenoisingTab },
  { id: 'anomalies', label: 'Anomalies', Component: AnomaliesTab },
  { id: 'compression', label: 'Compression', Component: CompressionTab },
  { id: 'generation', label: 'Generation', Component: GenerationTab },
  { id: 'features', label: 'Features', Component: FeaturesTab },
  { id: 'bottleneck-sweep', label: 'Bottleneck sweep', Component: BottleneckSweepTab },
];
