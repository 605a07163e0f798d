// PCA as the linear baseline of an autoencoder: images rebuilt from their principal-component scores.
import type { PixelPca } from './pixelPca';

/**
 * The images whose scores on `pca`'s components are `scores` (`pca.count` per image): the mean
 * plus each component times its score. Not clipped: clip to [0, 1] to draw or to score with
 * cross-entropy.
 */
export function reconstructFromScores(pca: PixelPca, scores: Float32Array, imageCount: number): Float32Array {
  const { pixelsPerImage: d, count, mean, components } = pca;
  const out = new Float32Array(imageCount * d);
  const row = new Float64Array(d);
  for (let image = 0; image < imageCount; image++) {
    row.set(mean);
    for (let c = 0; c < count; c++) {
      const score = scores[image * count + c];
      const offset = c * d;
      for (let p = 0; p < d; p++) row[p] += score * components[offset + p];
    }
    out.set(row, image * d);
  }
  return out;
}

/** The first `keep` components of a fit, as a fit of its own (e.g. two, for a 2-D map). */
export function leadingComponents(pca: PixelPca, keep: number): PixelPca {
  const count = Math.min(keep, pca.count);
  return {
    ...pca,
    count,
    components: pca.components.slice(0, count * pca.pixelsPerImage),
    variances: pca.variances.slice(0, count),
  };
}
