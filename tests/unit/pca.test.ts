// PCA projection and its inverse: known axes on constructed data, variance shares, round trips.
import { describe, expect, it } from 'vitest';
import { fitPca, inversePca, projectPca } from '../../src/latent/pca';
import { createRng } from '../../src/lib/rng';

/** Orthonormal vectors by Gram-Schmidt, so the expected axes are known exactly. */
function orthonormal(vectors: number[][]): number[][] {
  const basis: number[][] = [];
  for (const vector of vectors) {
    const v = [...vector];
    for (const b of basis) {
      const dot = v.reduce((sum, value, i) => sum + value * b[i], 0);
      for (let i = 0; i < v.length; i++) v[i] -= dot * b[i];
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((value) => value / norm));
  }
  return basis;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
};

// Directions chosen so each one's largest-magnitude entry is positive (the sign convention).
const [dirA, dirB, dirC] = orthonormal([
  [1, 2, 0, -1, 0, 4],
  [0, 1, 3, 0, 1, -1],
  [2, 0, 0, 1, -1, 0],
]);
const offset = [5, -3, 2, 0.5, 1, -7];
const latentDim = 6;

/**
 * Every combination of zero-sum levels along three orthogonal directions: the cross-covariances
 * vanish exactly, so the principal axes are exactly dirA and dirB and the variance shares are known.
 */
function gridAlongDirections(): { codes: Float32Array; count: number; variances: number[] } {
  const levelsA = [-6, -3, 0, 3, 6];
  const levelsB = [-2, -1, 0, 1, 2];
  const levelsC = [-0.5, 0.5];
  const rows: number[][] = [];
  for (const a of levelsA) for (const b of levelsB) for (const c of levelsC) {
    rows.push(offset.map((m, i) => m + a * dirA[i] + b * dirB[i] + c * dirC[i]));
  }
  const variance = (levels: number[]): number => levels.reduce((s, v) => s + v * v, 0) / levels.length;
  return {
    codes: Float32Array.from(rows.flat()),
    count: rows.length,
    variances: [variance(levelsA), variance(levelsB), variance(levelsC)],
  };
}

describe('fitPca', () => {
  it('finds the stretched directions of constructed data as its two axes, largest entry positive', () => {
    const { codes, count } = gridAlongDirections();
    const model = fitPca(codes, count, latentDim);
    for (let i = 0; i < latentDim; i++) {
      expect(model.axes[0][i]).toBeCloseTo(dirA[i], 5);
      expect(model.axes[1][i]).toBeCloseTo(dirB[i], 5);
      expect(model.mean[i]).toBeCloseTo(offset[i], 4);
    }
  });

  it('reports each axis share of the total variance', () => {
    const { codes, count, variances } = gridAlongDirections();
    const model = fitPca(codes, count, latentDim);
    const total = variances[0] + variances[1] + variances[2];
    expect(model.explainedVariance[0]).toBeCloseTo(variances[0] / total, 5);
    expect(model.explainedVariance[1]).toBeCloseTo(variances[1] / total, 5);
  });

  it('gives orthonormal axes that are eigenvectors of the covariance on random correlated data', () => {
    const rng = createRng(7);
    const dim = 32;
    const count = 3000;
    const mixing = Array.from({ length: dim * dim }, () => rng.normal());
    const codes = new Float32Array(count * dim);
    for (let row = 0; row < count; row++) {
      const z = Array.from({ length: dim }, (_, i) => rng.normal() / (1 + i));
      for (let i = 0; i < dim; i++) {
        let value = 0;
        for (let j = 0; j < dim; j++) value += mixing[i * dim + j] * z[j];
        codes[row * dim + i] = value;
      }
    }
    const model = fitPca(codes, count, dim);
    const [u, v] = model.axes;
    expect(dot(u, u)).toBeCloseTo(1, 5);
    expect(dot(v, v)).toBeCloseTo(1, 5);
    expect(Math.abs(dot(u, v))).toBeLessThan(1e-5);

    // Covariance times axis should be parallel to the axis (Rayleigh check), in float64.
    const covarianceTimes = (axis: Float32Array): Float64Array => {
      const result = new Float64Array(dim);
      for (let row = 0; row < count; row++) {
        let projection = 0;
        for (let i = 0; i < dim; i++) projection += (codes[row * dim + i] - model.mean[i]) * axis[i];
        for (let i = 0; i < dim; i++) result[i] += ((codes[row * dim + i] - model.mean[i]) * projection) / count;
      }
      return result;
    };
    const cu = covarianceTimes(u);
    const cv = covarianceTimes(v);
    const lambdaU = dot(cu, u);
    const lambdaV = dot(cv, v);
    for (let i = 0; i < dim; i++) {
      expect(Math.abs(cu[i] - lambdaU * u[i])).toBeLessThan(1e-4 * lambdaU);
      expect(Math.abs(cv[i] - lambdaV * v[i])).toBeLessThan(1e-4 * lambdaU);
    }
    expect(lambdaU).toBeGreaterThanOrEqual(lambdaV);
    expect(model.explainedVariance[0]).toBeGreaterThanOrEqual(model.explainedVariance[1]);
  });

  it('spans the right plane when the top two variances are equal (power iteration would stall)', () => {
    const dim = 128;
    const count = 400;
    const rng = createRng(3);
    const codes = new Float32Array(count * dim);
    // Points on a circle in dims 10 and 70 (equal variance), tiny noise elsewhere.
    for (let row = 0; row < count; row++) {
      const angle = (2 * Math.PI * row) / count;
      for (let i = 0; i < dim; i++) codes[row * dim + i] = 0.01 * rng.normal();
      codes[row * dim + 10] += 4 * Math.cos(angle);
      codes[row * dim + 70] += 4 * Math.sin(angle);
    }
    const model = fitPca(codes, count, dim);
    for (const axis of model.axes) expect(Math.hypot(axis[10], axis[70])).toBeCloseTo(1, 4);
    expect(model.explainedVariance[0] + model.explainedVariance[1]).toBeGreaterThan(0.99);
  });

  it('keeps the same axis signs when the data is mirrored', () => {
    const { codes, count } = gridAlongDirections();
    const mirrored = codes.map((value, index) => 2 * offset[index % latentDim] - value);
    const model = fitPca(codes, count, latentDim);
    const mirroredModel = fitPca(mirrored, count, latentDim);
    for (let i = 0; i < latentDim; i++) {
      expect(mirroredModel.axes[0][i]).toBeCloseTo(model.axes[0][i], 5);
      expect(mirroredModel.axes[1][i]).toBeCloseTo(model.axes[1][i], 5);
    }
  });

  it('rejects latent sizes below 2', () => {
    expect(() => fitPca(new Float32Array(4), 4, 1)).toThrow(RangeError);
  });
});

describe('projectPca and inversePca', () => {
  const { codes, count } = gridAlongDirections();
  const model = fitPca(codes, count, latentDim);

  it('round-trips codes that lie in the principal plane exactly (to 1e-5)', () => {
    const rng = createRng(11);
    const planeCount = 50;
    const planeCodes = new Float32Array(planeCount * latentDim);
    for (let row = 0; row < planeCount; row++) {
      const x = 5 * rng.normal();
      const y = 5 * rng.normal();
      for (let i = 0; i < latentDim; i++) {
        planeCodes[row * latentDim + i] = model.mean[i] + x * model.axes[0][i] + y * model.axes[1][i];
      }
    }
    const mapPoints = projectPca(model, planeCodes, planeCount);
    expect(mapPoints.length).toBe(planeCount * 2);
    const out = new Float32Array(latentDim);
    for (let row = 0; row < planeCount; row++) {
      inversePca(model, mapPoints[row * 2], mapPoints[row * 2 + 1], undefined, out);
      for (let i = 0; i < latentDim; i++) expect(Math.abs(out[i] - planeCodes[row * latentDim + i])).toBeLessThan(1e-5);
    }
  });

  it('projects the data onto its known coordinates along the axes', () => {
    const mapPoints = projectPca(model, codes, count);
    for (let row = 0; row < count; row++) {
      const centred = Array.from({ length: latentDim }, (_, i) => codes[row * latentDim + i] - offset[i]);
      expect(mapPoints[row * 2]).toBeCloseTo(dot(centred, dirA), 4);
      expect(mapPoints[row * 2 + 1]).toBeCloseTo(dot(centred, dirB), 4);
    }
  });

  it('keeps the anchor code off-plane part exactly and lands on the requested map point', () => {
    const rng = createRng(5);
    const anchor = Float32Array.from({ length: latentDim }, () => 3 * rng.normal());
    const offPlane = (code: Float32Array): number[] => {
      const centred = Array.from(code, (value, i) => value - model.mean[i]);
      const x = dot(centred, model.axes[0]);
      const y = dot(centred, model.axes[1]);
      return centred.map((value, i) => value - x * model.axes[0][i] - y * model.axes[1][i]);
    };
    const anchorOffPlane = offPlane(anchor);
    expect(Math.hypot(...anchorOffPlane)).toBeGreaterThan(0.5);

    const code = inversePca(model, 2.5, -1.25, anchor);
    const [x, y] = projectPca(model, code, 1);
    expect(x).toBeCloseTo(2.5, 5);
    expect(y).toBeCloseTo(-1.25, 5);
    offPlane(code).forEach((value, i) => expect(Math.abs(value - anchorOffPlane[i])).toBeLessThan(1e-5));

    // At the anchor's own map position the inverse gives back the anchor itself.
    const [anchorX, anchorY] = projectPca(model, anchor, 1);
    const back = inversePca(model, anchorX, anchorY, anchor);
    back.forEach((value, i) => expect(Math.abs(value - anchor[i])).toBeLessThan(1e-5));
  });

  it('without an anchor has no off-plane part', () => {
    const code = inversePca(model, -4, 3);
    const centred = Array.from(code, (value, i) => value - model.mean[i]);
    const x = dot(centred, model.axes[0]);
    const y = dot(centred, model.axes[1]);
    expect(x).toBeCloseTo(-4, 5);
    expect(y).toBeCloseTo(3, 5);
    centred.forEach((value, i) => expect(Math.abs(value - x * model.axes[0][i] - y * model.axes[1][i])).toBeLessThan(1e-5));
  });
});
