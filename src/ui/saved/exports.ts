// What the Export buttons write: the map as a 2x PNG with title, axes and legend; the probe's
// decoded image as a PNG; the loss history as CSV. Downloads happen through a temporary link.
import { classColors, pointColors } from '../../viz/colors';
import { drawImage } from '../../viz/imageTile';
import { drawMapExport, EXPORT_HEIGHT, EXPORT_WIDTH, type MapExportInput } from '../../viz/mapExport';
import { codeColumn, mutedClassColors, rampCss, robustScale, valueColors } from '../../viz/pointColouring';
import type { AppState, LossPoint } from '../../state/appState';
import type { AppController } from '../../state/controller';
import { kindLabel } from '../../saved/sessionKeeper';

/** The map picture is drawn at this multiple of its layout size. */
export const MAP_EXPORT_SCALE = 2;
/** The decoded image is enlarged to this side, pixels kept crisp. */
const DECODED_EXPORT_PX = 448;

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the download a moment to start before the URL is revoked.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the picture could not be encoded'))), 'image/png'));
}

/** The map as the user sees it (same region, colours and probe), at 2x. Null when there is no map yet. */
export async function mapPng(state: AppState): Promise<Blob | null> {
  const { map, dataset, applied } = state;
  if (!map || !dataset || !applied) return null;
  const canvas = document.createElement('canvas');
  canvas.width = EXPORT_WIDTH * MAP_EXPORT_SCALE;
  canvas.height = EXPORT_HEIGHT * MAP_EXPORT_SCALE;
  const context = canvas.getContext('2d');
  if (!context) return null;
  const step = state.progress?.globalStep ?? 0;
  const input: MapExportInput = {
    title: `Latent map · ${kindLabel(state.rawSettings)} autoencoder`,
    subtitle: `${dataset.name} · ${dataset.count.toLocaleString('en-US')} images · latent size ${applied.spec.latentDim} · step ${step.toLocaleString('en-US')}${state.projectionKind === 'none' ? '' : ` · ${state.projectionKind.toUpperCase()}`}`,
    points: map.points,
    count: map.count,
    axisNames: map.axisNames,
    region: state.viewRegion ?? extent(map.points, map.count),
    probe: { x: state.probe.x, y: state.probe.y },
    ...colouring(state),
  };
  drawMapExport(context, input, MAP_EXPORT_SCALE);
  return canvasBlob(canvas);
}

/** Point colours and legend as the map draws them (see LatentMap's recolour). */
function colouring(state: AppState): Pick<MapExportInput, 'colors' | 'legend'> {
  const dataset = state.dataset!;
  const { colourBy, latents, reconstructionErrors } = state;
  const classCount = dataset.classNames.length;
  const ramp = (values: Float32Array, title: string): Pick<MapExportInput, 'colors' | 'legend'> => {
    const scale = robustScale(values);
    return {
      colors: valueColors(values, scale),
      legend: { kind: 'ramp', title, stops: [0, 0.25, 0.5, 0.75, 1].map(rampCss), low: scale.min.toPrecision(3), high: scale.max.toPrecision(3) },
    };
  };
  if (colourBy.mode === 'dimension' && latents) {
    const dimension = Math.min(colourBy.dimension, latents.latentDim - 1);
    return ramp(codeColumn(latents.codes, latents.latentDim, dimension), `Code z${dimension + 1}`);
  }
  if (colourBy.mode === 'factor' && dataset.factors?.[colourBy.factor]) return ramp(dataset.factors[colourBy.factor], colourBy.factor);
  if (colourBy.mode === 'error' && reconstructionErrors) return ramp(reconstructionErrors, 'Reconstruction error');
  const palette = classColors(classCount, state.classroom.palette);
  const colors = colourBy.mode === 'density' ? mutedClassColors(dataset.labels, classCount) : pointColors(dataset.labels, palette.packed);
  return { colors, legend: { kind: 'classes', entries: dataset.classNames.map((label, i) => ({ label, css: palette.css[i] })) } };
}

function extent(points: Float32Array, count: number): { x: [number, number]; y: [number, number] } {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    minX = Math.min(minX, points[2 * i]);
    maxX = Math.max(maxX, points[2 * i]);
    minY = Math.min(minY, points[2 * i + 1]);
    maxY = Math.max(maxY, points[2 * i + 1]);
  }
  return { x: [minX, maxX], y: [minY, maxY] };
}

/** The probe's decoded image, enlarged with crisp pixels. Null before the decoder has weights. */
export async function decodedPng(controller: AppController, state: AppState): Promise<Blob | null> {
  const code = controller.probeCode();
  const pixels = code ? controller.decode(code) : null;
  if (!pixels || !state.dataset) return null;
  const canvas = document.createElement('canvas');
  canvas.width = DECODED_EXPORT_PX;
  canvas.height = DECODED_EXPORT_PX;
  const context = canvas.getContext('2d');
  if (!context) return null;
  drawImage(context, pixels, 0, state.dataset.shape, 0, 0, DECODED_EXPORT_PX);
  return canvasBlob(canvas);
}

/** One row per epoch: the train and held-out totals, then every loss term of both. */
export function lossHistoryCsv(losses: readonly LossPoint[]): string {
  const terms = [...new Set(losses.flatMap((point) => [...Object.keys(point.trainTerms ?? {}), ...Object.keys(point.heldOutTerms ?? {})]))].filter((name) => name !== 'total');
  const header = ['epoch', 'train_loss', 'held_out_loss', ...terms.map((name) => `train_${name}`), ...terms.map((name) => `held_out_${name}`)];
  const number = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '' : String(value));
  const rows = losses.map((point) =>
    [String(point.epoch), number(point.train), number(point.heldOut), ...terms.map((name) => number(point.trainTerms?.[name])), ...terms.map((name) => number(point.heldOutTerms?.[name]))].join(','),
  );
  return `${[header.join(','), ...rows].join('\n')}\n`;
}
