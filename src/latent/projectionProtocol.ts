// Messages between the main thread and the projection worker (PCA and UMAP off the main thread).
import type { PcaModel } from './pca';

export type ProjectionRequest =
  | { type: 'pca'; id: number; codes: Float32Array; count: number; latentDim: number }
  | { type: 'umap'; id: number; codes: Float32Array; count: number; latentDim: number; seed: number; sampleSize: number }
  /** Stop work on every request older than `id`. */
  | { type: 'cancel'; id: number };

export type ProjectionResponse =
  | { type: 'pca'; id: number; model: PcaModel; points: Float32Array; milliseconds: number }
  | { type: 'umap-progress'; id: number; epochsDone: number; totalEpochs: number; stage: 'graph' | 'layout' | 'placing' }
  | { type: 'umap'; id: number; points: Float32Array; milliseconds: number }
  | { type: 'error'; id: number; message: string };
