// Benchmark of the map's building blocks on synthetic data, in the page's main thread:
// drawing 70,000 points, hovering among them, PCA of 10,000 codes and UMAP of 5,000.
import { zoomIdentity } from 'd3';
import { createRng } from '../lib/rng';
import { fitPca, projectPca } from '../latent/pca';
import { UmapProjector } from '../latent/umapProjector';
import { classColors, pointColors } from '../viz/colors';
import { PointIndex } from '../viz/hitTest';
import { createMapView } from '../viz/mapView';
import { ScatterRenderer } from '../viz/scatterRenderer';
import { mapPoint } from '../viz/spaces';

export interface MicroBenchResult {
  scatterFrameMs70k: number;
  scatterFrameP95Ms70k: number;
  hoverMs70k: number;
  pcaMs10k: number;
  umapMs5k: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}

/** Clustered 2-D points, like a trained map: ten gaussian blobs. */
function clusteredPoints(count: number, seed: number): { points: Float32Array; labels: Uint8Array } {
  const rng = createRng(seed);
  const points = new Float32Array(count * 2);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = rng.nextInt(10);
    const angle = (label / 10) * 2 * Math.PI;
    labels[i] = label;
    points[2 * i] = 5 * Math.cos(angle) + rng.normal();
    points[2 * i + 1] = 5 * Math.sin(angle) + rng.normal();
  }
  return { points, labels };
}

function gaussianCodes(count: number, latentDim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const codes = new Float32Array(count * latentDim);
  for (let i = 0; i < codes.length; i++) codes[i] = rng.normal() * (1 + (i % latentDim) * 0.3);
  return codes;
}

/** One frame at a time, as the app draws: zoom changes every frame (panning). */
async function scatterFrames(count: number): Promise<number[]> {
  const canvas = document.createElement('canvas');
  document.body.append(canvas);
  const renderer = new ScatterRenderer(canvas);
  renderer.resize(800, 800, 1);
  const { points, labels } = clusteredPoints(count, 1);
  const colors = pointColors(labels, classColors(10).packed);
  const domain = { x: [-10, 10] as const, y: [-10, 10] as const };
  const times: number[] = [];
  for (let frame = 0; frame < 90; frame++) {
    const transform = zoomIdentity.translate(frame * 2, frame).scale(1 + frame / 90);
    const started = performance.now();
    const view = createMapView({ width: 800, height: 800, margin: { top: 12, right: 16, bottom: 44, left: 56 }, domain, transform });
    renderer.render(points, count, colors, view, { pointRadius: 1.2 });
    times.push(performance.now() - started);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  canvas.remove();
  return times.slice(10);
}

function hoverQueries(count: number): number {
  const { points } = clusteredPoints(count, 2);
  const index = new PointIndex(points, count);
  const rng = createRng(3);
  const queries = 2000;
  const started = performance.now();
  for (let i = 0; i < queries; i++) index.nearest(mapPoint(rng.next() * 20 - 10, rng.next() * 20 - 10), 0.05);
  return (performance.now() - started) / queries;
}

export async function runMicroBench(): Promise<MicroBenchResult> {
  const frames = await scatterFrames(70_000);
  const hoverMs70k = hoverQueries(70_000);

  const codes = gaussianCodes(10_000, 32, 4);
  const pcaStarted = performance.now();
  projectPca(fitPca(codes, 10_000, 32), codes, 10_000);
  const pcaMs10k = performance.now() - pcaStarted;

  const umapCodes = gaussianCodes(5_000, 16, 5);
  const umapStarted = performance.now();
  const projector = new UmapProjector({ seed: 1, sampleSize: 5_000 });
  const epochs = projector.start(umapCodes, 5_000, 16);
  projector.step(epochs);
  projector.finish();
  const umapMs5k = performance.now() - umapStarted;

  return {
    scatterFrameMs70k: median(frames),
    scatterFrameP95Ms70k: percentile(frames, 0.95),
    hoverMs70k,
    pcaMs10k,
    umapMs5k,
  };
}
