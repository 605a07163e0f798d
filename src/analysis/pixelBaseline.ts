// The model-independent half of the "Versus PCA" comparison: pixel PCA fitted on the training
// images, its reconstructions of the held-out images, its 2-D map and that map's kNN score. None of
// it depends on the model, yet it is most of the job's work (a fit on 2,000 x 784 pixels and a
// projection of every image), so it is kept and reused while only the model changes: the tab
// measures again at epoch ends while training, and refitting each time took half a core.
import { heldOutKnnAccuracy } from '../latent/knn';
import { fitPixelPca, projectPixels, type PixelPca } from './pixelPca';
import { leadingComponents, reconstructFromScores } from './pcaBaseline';
import { evenSubset } from './imageMetrics';

export interface BaselineData {
  images: Uint8Array;
  labels: Uint8Array;
  train: Int32Array;
  heldOut: Int32Array;
  pixelsPerImage: number;
}

export interface BaselineRequest {
  components: number;
  evalLimit: number;
  seed: number;
  /** The images the model trains on, in any order; the whole training split when absent or empty. */
  trainIndices?: Int32Array;
}

export interface PixelBaseline {
  /** PCA with the model's latent size of components. */
  latentPca: PixelPca;
  evalRows: Int32Array;
  /** PCA's reconstructions of `evalRows`, clipped to 0..1. */
  pcaRebuilt: Float32Array;
  /** Every image on the first two pixel components, x, y interleaved. */
  pcaMap: Float32Array;
  pcaKnnAccuracy: number;
  axisNames: [string, string];
  explainedVariance: number;
  fittedImages: number;
}

export function clip01(pixels: Float32Array): Float32Array {
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, Math.max(0, pixels[i]));
  return pixels;
}

export function computePixelBaseline(data: BaselineData, request: BaselineRequest): PixelBaseline {
  const { images, labels, train, heldOut, pixelsPerImage } = data;
  const evalRows = evenSubset(heldOut, request.evalLimit);
  const components = Math.max(2, request.components);
  // Fitted on what the model trains on: sorted, so the evenly spaced fitting sample spans the set.
  const fitRows = request.trainIndices && request.trainIndices.length > 0 ? request.trainIndices.slice().sort() : train;
  const pca = fitPixelPca(images, fitRows, pixelsPerImage, Math.min(components, pixelsPerImage), { seed: request.seed });
  const latentPca = leadingComponents(pca, request.components);
  const pcaRebuilt = clip01(reconstructFromScores(latentPca, projectPixels(latentPca, images, evalRows), evalRows.length));

  const mapPca = leadingComponents(pca, 2);
  const all = Int32Array.from({ length: labels.length }, (_, i) => i);
  const pcaMap = projectPixels(mapPca, images, all);
  const total = totalVariance(images, fitRows, pixelsPerImage, pca.mean, pca.fittedRows);
  let kept = 0;
  for (let c = 0; c < latentPca.count; c++) kept += latentPca.variances[c];
  const share = (c: number) => (total > 0 ? `${Math.round((100 * pca.variances[c]) / total)}%` : '?');
  return {
    latentPca,
    evalRows,
    pcaRebuilt,
    pcaMap,
    pcaKnnAccuracy: heldOutKnnAccuracy(pcaMap, labels, train, heldOut, 5),
    axisNames: [`Pixel PC 1 (${share(0)} of variance)`, `Pixel PC 2 (${share(1)} of variance)`],
    explainedVariance: total > 0 ? Math.min(1, kept / total) : 0,
    fittedImages: pca.fittedRows,
  };
}

/** Total pixel variance of the (evenly spaced) images the PCA was fitted on. */
function totalVariance(images: Uint8Array, train: Int32Array, d: number, pixelMean: Float64Array, fitted: number): number {
  const rows = evenSubset(train, fitted);
  let sum = 0;
  for (const row of rows) {
    for (let p = 0; p < d; p++) {
      const centred = images[row * d + p] / 255 - pixelMean[p];
      sum += centred * centred;
    }
  }
  return rows.length > 0 ? sum / rows.length : 0;
}

/**
 * The last baseline computed, handed out again while the data and the request are the same. The
 * caller owns the data object: a new dataset is a new object, so it never matches an old entry.
 * Results are shared, so callers must not write into them.
 */
export class PixelBaselineCache {
  private last: { data: BaselineData; request: BaselineRequest; value: PixelBaseline } | null = null;

  get(data: BaselineData, request: BaselineRequest): PixelBaseline {
    // Compared sorted: the trainer's batch order is reshuffled every epoch, the set stays the same.
    const sorted = { ...request, trainIndices: request.trainIndices?.slice().sort() };
    const last = this.last;
    if (last && last.data === data && sameRequest(last.request, sorted)) return last.value;
    const value = computePixelBaseline(data, sorted);
    this.last = { data, request: sorted, value };
    return value;
  }

  clear(): void {
    this.last = null;
  }
}

function sameRequest(a: BaselineRequest, b: BaselineRequest): boolean {
  return a.components === b.components && a.evalLimit === b.evalLimit && a.seed === b.seed && sameIndices(a.trainIndices, b.trainIndices);
}

function sameIndices(a: Int32Array | undefined, b: Int32Array | undefined): boolean {
  const left = a ?? new Int32Array(0);
  const right = b ?? new Int32Array(0);
  if (left.length !== right.length) return false;
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return false;
  return true;
}
