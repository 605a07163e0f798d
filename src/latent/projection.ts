// From latent codes to the 2-D map and back. Every projection has an inverse, so any point on the
// map can be decoded: a 2-D code is its own map position; PCA inverts exactly in its plane and
// takes the rest of the code from an anchor; UMAP inverts by blending the codes of the nearest
// projected points. A similarity transform (from Procrustes alignment) may sit on top.
import { inversePca, projectPca, type PcaModel } from './pca';
import { applyTransform, invertTransform, type SimilarityTransform } from './procrustes';
import { NeighborInverse } from './neighborInverse';

export type ProjectionKind = 'none' | 'pca' | 'umap';

export interface Projection {
  readonly kind: ProjectionKind;
  /** Names of the map's two axes, for axis titles. */
  readonly axisNames: readonly [string, string];
  /** Map points (x, y interleaved) of the codes this projection was made from, in dataset order. */
  readonly points: Float32Array;
  /**
   * The latent code that the map point (x, y) stands for. `anchor`, when given, is a code whose
   * off-map part fills in what the map does not show (PCA); it is ignored where it has no meaning.
   */
  invert(x: number, y: number, anchor: Float32Array | null): Float32Array;
  /** Where one code (not necessarily a data point's) lands on the map. */
  project(code: Float32Array): [number, number];
}

/** A 2-D latent space shown as it is. */
export function identityProjection(codes: Float32Array): Projection {
  return {
    kind: 'none',
    axisNames: ['z₁', 'z₂'],
    points: codes,
    invert: (x, y) => Float32Array.of(x, y),
    project: (code) => [code[0], code[1]],
  };
}

/** PCA onto its first two axes, then `transform` (alignment with the previous map). */
export function pcaProjection(model: PcaModel, pcaPoints: Float32Array, transform: SimilarityTransform | null): Projection {
  const points = transform ? applyTransform(transform, pcaPoints) : pcaPoints;
  const undo = transform ? invertTransform(transform) : null;
  const [first, second] = model.explainedVariance;
  return {
    kind: 'pca',
    axisNames: [`PC 1 (${Math.round(first * 100)}% of variance)`, `PC 2 (${Math.round(second * 100)}%)`],
    points,
    invert(x, y, anchor) {
      let px = x;
      let py = y;
      if (undo) {
        const back = applyTransform(undo, Float32Array.of(x, y));
        px = back[0];
        py = back[1];
      }
      return inversePca(model, px, py, anchor ?? undefined);
    },
    project(code) {
      const onPlane = projectPca(model, code, 1);
      const placed = transform ? applyTransform(transform, onPlane) : onPlane;
      return [placed[0], placed[1]];
    },
  };
}

/** UMAP points (already aligned); the inverse blends the codes of the nearest projected points. */
export function neighbourProjection(points: Float32Array, codes: Float32Array, latentDim: number): Projection {
  const inverse = new NeighborInverse(points, codes, points.length / 2, latentDim);
  return {
    kind: 'umap',
    axisNames: ['UMAP 1', 'UMAP 2'],
    points,
    invert: (x, y) => inverse.invert(x, y),
    project: (code) => placeByLatentNeighbours(code, codes, points, latentDim),
  };
}

/** Neighbours blended when placing a new code on a UMAP map. */
const PLACEMENT_NEIGHBOURS = 8;

/**
 * UMAP has no cheap forward map for one new code, so place it where its nearest data codes (in
 * latent space) sit on the map, weighted by inverse distance; a data point's own code lands on it.
 */
export function placeByLatentNeighbours(
  code: Float32Array,
  codes: Float32Array,
  points: Float32Array,
  latentDim: number,
  k = PLACEMENT_NEIGHBOURS,
): [number, number] {
  const count = points.length / 2;
  const bestIndex = new Int32Array(k).fill(-1);
  const bestDistance = new Float64Array(k).fill(Infinity);
  for (let row = 0; row < count; row++) {
    let distance = 0;
    const base = row * latentDim;
    for (let i = 0; i < latentDim; i++) {
      const d = codes[base + i] - code[i];
      distance += d * d;
    }
    if (distance >= bestDistance[k - 1]) continue;
    let slot = k - 1;
    while (slot > 0 && bestDistance[slot - 1] > distance) {
      bestDistance[slot] = bestDistance[slot - 1];
      bestIndex[slot] = bestIndex[slot - 1];
      slot--;
    }
    bestDistance[slot] = distance;
    bestIndex[slot] = row;
  }
  if (bestIndex[0] < 0) return [0, 0];
  if (bestDistance[0] === 0) return [points[2 * bestIndex[0]], points[2 * bestIndex[0] + 1]];
  let x = 0;
  let y = 0;
  let total = 0;
  for (let j = 0; j < k && bestIndex[j] >= 0; j++) {
    const weight = 1 / bestDistance[j];
    x += weight * points[2 * bestIndex[j]];
    y += weight * points[2 * bestIndex[j] + 1];
    total += weight;
  }
  return [x / total, y / total];
}
