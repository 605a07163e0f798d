// Main-thread handle on the projection worker: one request in flight per kind of work, newest wins.
import type { PcaModel } from './pca';
import type { ProjectionRequest, ProjectionResponse } from './projectionProtocol';

export interface UmapProgress {
  epochsDone: number;
  totalEpochs: number;
  stage: 'graph' | 'layout' | 'placing';
}

export class ProjectionClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: ProjectionResponse) => void; reject: (error: Error) => void }>();
  private readonly umapIds = new Set<number>();
  private umapProgressListener: ((progress: UmapProgress) => void) | null = null;

  constructor() {
    this.worker = new Worker(new URL('./projectionWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data }: MessageEvent<ProjectionResponse>) => {
      if (data.type === 'umap-progress') {
        this.umapProgressListener?.(data);
        return;
      }
      const waiting = this.pending.get(data.id);
      if (!waiting) return;
      this.pending.delete(data.id);
      this.umapIds.delete(data.id);
      if (data.type === 'error') waiting.reject(new Error(data.message));
      else waiting.resolve(data);
    };
  }

  private request(message: ProjectionRequest): Promise<ProjectionResponse> {
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      const transfer = message.type === 'cancel' ? [] : [message.codes.buffer];
      this.worker.postMessage(message, transfer);
    });
  }

  /** PCA of a copy of `codes`. */
  async pca(codes: Float32Array, count: number, latentDim: number): Promise<{ model: PcaModel; points: Float32Array }> {
    const response = await this.request({ type: 'pca', id: this.nextId++, codes: codes.slice(), count, latentDim });
    if (response.type !== 'pca') throw new Error('unexpected projection response');
    return { model: response.model, points: response.points };
  }

  /** UMAP of a copy of `codes`; a newer UMAP request abandons this one (its promise never settles). */
  async umap(codes: Float32Array, count: number, latentDim: number, seed: number, onProgress: (progress: UmapProgress) => void): Promise<Float32Array> {
    // Cancel first: the worker drops any UMAP request older than the newest cancel it has seen.
    this.cancelUmap();
    const id = this.nextId++;
    this.umapProgressListener = onProgress;
    this.umapIds.add(id);
    const response = await this.request({ type: 'umap', id, codes: codes.slice(), count, latentDim, seed, sampleSize: 5000 });
    if (response.type !== 'umap') throw new Error('unexpected projection response');
    return response.points;
  }

  /** Abandon any UMAP fit in progress. */
  cancelUmap(): void {
    const id = this.nextId++;
    this.worker.postMessage({ type: 'cancel', id } satisfies ProjectionRequest);
    for (const umapId of this.umapIds) this.pending.delete(umapId);
    this.umapIds.clear();
  }

  dispose(): void {
    this.worker.terminate();
  }
}
