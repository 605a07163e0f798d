// The projection worker: fits PCA and UMAP on latent codes without blocking the page.
// UMAP runs in slices of epochs, reporting progress and checking for a newer request between them.
import { fitPca, projectPca } from './pca';
import { UmapProjector } from './umapProjector';
import type { ProjectionRequest, ProjectionResponse } from './projectionProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ProjectionRequest>) => void) | null;
  postMessage(message: ProjectionResponse, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** Epochs per slice: small enough that a cancel is noticed within a fraction of a second. */
const EPOCHS_PER_SLICE = 10;
/** The newest UMAP (or cancel) request; an older UMAP fit stops at its next slice. */
let newestUmapId = 0;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

scope.onmessage = ({ data: request }) => {
  if (request.type !== 'pca') newestUmapId = Math.max(newestUmapId, request.id);
  if (request.type === 'cancel') return;
  try {
    if (request.type === 'pca') {
      const started = performance.now();
      const model = fitPca(request.codes, request.count, request.latentDim);
      const points = projectPca(model, request.codes, request.count);
      scope.postMessage({ type: 'pca', id: request.id, model, points, milliseconds: performance.now() - started }, [points.buffer]);
    } else {
      void runUmap(request);
    }
  } catch (error) {
    scope.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
};

async function runUmap(request: Extract<ProjectionRequest, { type: 'umap' }>): Promise<void> {
  const started = performance.now();
  const { id } = request;
  const progress = (epochsDone: number, totalEpochs: number, stage: 'graph' | 'layout' | 'placing') =>
    scope.postMessage({ type: 'umap-progress', id, epochsDone, totalEpochs, stage });
  try {
    progress(0, 1, 'graph');
    const projector = new UmapProjector({ seed: request.seed, sampleSize: request.sampleSize });
    const totalEpochs = projector.start(request.codes, request.count, request.latentDim);
    let done = 0;
    while (done < totalEpochs) {
      await yieldToEventLoop();
      if (newestUmapId > id) return;
      done = projector.step(EPOCHS_PER_SLICE);
      progress(done, totalEpochs, 'layout');
    }
    progress(done, totalEpochs, 'placing');
    await yieldToEventLoop();
    if (newestUmapId > id) return;
    const points = projector.finish();
    scope.postMessage({ type: 'umap', id, points, milliseconds: performance.now() - started }, [points.buffer]);
  } catch (error) {
    scope.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
}
