// The map builder hands out codes of the current model's latent size only: a replaced model's late
// snapshot, a projection switched while training, or a UMAP fit that is still running never yields
// a code the decoder cannot take (the "decodeMany needs 8 values per code: got 2" bug).
import { describe, expect, it } from 'vitest';
import { fitPca, projectPca } from '../../src/latent/pca';
import { createRng } from '../../src/lib/rng';
import { MapBuilder, type MapUpdate, type ProjectionRunner } from '../../src/state/mapBuilder';

/** The projection worker's maths run in-process; each UMAP fit waits until the test lets it finish. */
function inProcessRunner() {
  const calls: string[] = [];
  const umapFits: { codes: Float32Array; count: number; latentDim: number; finish: () => void }[] = [];
  const runner: ProjectionRunner = {
    pca: (codes, count, latentDim) => {
      calls.push('pca');
      const model = fitPca(codes, count, latentDim);
      return Promise.resolve({ model, points: projectPca(model, codes, count) });
    },
    umap: (codes, count, latentDim) =>
      new Promise((resolve) => {
        calls.push('umap');
        const copy = codes.slice();
        // Any 2-D layout will do for the bookkeeping under test; this one is the codes' PCA plane.
        const finish = () => resolve(projectPca(fitPca(copy, count, latentDim), copy, count));
        umapFits.push({ codes: copy, count, latentDim, finish });
      }),
    cancelUmap: () => {},
    dispose: () => {},
  };
  return { runner, umapFits, calls };
}

function randomCodes(count: number, latentDim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count * latentDim }, () => rng.normal());
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setUp() {
  const { runner, umapFits, calls } = inProcessRunner();
  const maps: MapUpdate[] = [];
  const errors: string[] = [];
  const builder = new MapBuilder((update) => maps.push(update), () => {}, (message) => errors.push(message), () => 1, () => runner);
  return { builder, maps, errors, umapFits, calls };
}

/** The code at a spread of map positions around the current map's points. */
function codesAcrossTheMap(builder: MapBuilder, maps: MapUpdate[]): Float32Array[] {
  const points = maps[maps.length - 1].projection.points;
  const found: Float32Array[] = [];
  for (let i = 0; i < 20; i++) {
    const code = builder.codeAt(points[2 * i] + 0.1 * i, points[2 * i + 1] - 0.05 * i, i % 2 === 0 ? -1 : i);
    if (code) found.push(code);
  }
  return found;
}

describe('MapBuilder codes', () => {
  it('gives 8-value codes when a replaced 2-D model sends its last codes after an 8-D model is built and UMAP is chosen while training', async () => {
    const { builder, maps, errors, umapFits } = setUp();
    builder.reset(2);
    builder.accept(randomCodes(200, 2, 1), 2, 0);
    await flush();

    // The user sets the latent size to 8 and trains: a new model, mapped with PCA.
    builder.reset(8);
    builder.setKind('pca');
    // The replaced model's snapshot, sent before the worker saw the new configuration, arrives now.
    builder.accept(randomCodes(200, 2, 2), 2, 5);
    await flush();
    expect(builder.codeAt(0, 0, -1)).toBeNull();

    builder.accept(randomCodes(200, 8, 3), 8, 10);
    await flush();
    builder.setKind('umap');
    await flush();
    // UMAP is still being computed: the PCA map stands in and its codes are 8-D.
    const whileComputing = codesAcrossTheMap(builder, maps);
    expect(whileComputing.length).toBe(20);
    for (const code of whileComputing) expect(code.length).toBe(8);

    // Training goes on; then the UMAP fit (of 8-D codes only) finishes.
    builder.accept(randomCodes(200, 8, 4), 8, 20);
    await flush();
    expect(umapFits.length).toBeGreaterThan(0);
    for (const fit of umapFits) expect(fit.latentDim).toBe(8);
    umapFits[0].finish();
    await flush();
    expect(maps[maps.length - 1].projection.kind).toBe('umap');
    const onUmap = codesAcrossTheMap(builder, maps);
    expect(onUmap.length).toBe(20);
    for (const code of onUmap) {
      expect(code.length).toBe(8);
      for (const value of code) expect(Number.isFinite(value)).toBe(true);
    }
    expect(errors).toEqual([]);
  });

  it('gives no code at all for a position that is not a number, or before there is a map', async () => {
    const { builder, maps } = setUp();
    builder.reset(4);
    expect(builder.codeAt(0, 0, -1)).toBeNull();
    builder.setKind('pca');
    builder.accept(randomCodes(50, 4, 5), 4, 0);
    await flush();
    expect(maps.length).toBe(1);
    expect(builder.codeAt(Number.NaN, 0, -1)).toBeNull();
    expect(builder.codeAt(0, Number.POSITIVE_INFINITY, -1)).toBeNull();
    // A source index past the data falls back to no anchor, still a full-size code.
    expect(builder.codeAt(0.5, 0.5, 10_000)?.length).toBe(4);
  });

  it('keeps every map of a kind switch at the model latent size (none, PCA, UMAP, back)', async () => {
    const { builder, maps, umapFits } = setUp();
    builder.reset(3);
    builder.accept(randomCodes(120, 3, 6), 3, 0);
    await flush();
    for (const kind of ['umap', 'pca', 'none', 'umap'] as const) {
      builder.setKind(kind);
      await flush();
      umapFits.splice(0).forEach((fit) => fit.finish());
      await flush();
      for (const map of maps) expect(map.latentDim).toBe(3);
      for (const code of codesAcrossTheMap(builder, maps)) expect(code.length).toBe(3);
    }
  });

  it('asks the worker for a PCA map before a UMAP fit, so a map shows while UMAP searches for neighbours', async () => {
    const { builder, maps, calls, umapFits } = setUp();
    builder.reset(8);
    builder.setKind('umap');
    builder.accept(randomCodes(100, 8, 7), 8, 0);
    await flush();
    expect(calls.slice(0, 2)).toEqual(['pca', 'umap']);
    expect(umapFits.length).toBe(1);
    expect(maps.map((map) => map.projection.kind)).toEqual(['pca']);
    expect(builder.codeAt(0, 0, -1)?.length).toBe(8);
  });
});
