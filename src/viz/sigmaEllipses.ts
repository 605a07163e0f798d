// A variational autoencoder's posterior spread on the map: one axis-aligned ellipse per chosen
// point, one standard deviation wide on each axis (the posterior is diagonal), drawn as one path.
import type { MapView } from './mapView';
import { mapPoint } from './spaces';

export interface SigmaEllipses {
  /** Map points (x, y interleaved): the posterior means. */
  points: Float32Array;
  /** Log-variances, two per point, in the same layout. */
  logVar: Float32Array;
  /** Which points get an ellipse (a sample keeps the map readable). */
  indices: Int32Array;
}

/** Clear `context` (CSS-pixel units after `ratio`) and draw the ellipses, clipped to the plot area. */
export function drawSigmaEllipses(
  context: CanvasRenderingContext2D,
  view: MapView,
  ratio: number,
  ellipses: SigmaEllipses | null,
): void {
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, view.width, view.height);
  if (!ellipses) return;
  const { points, logVar, indices } = ellipses;
  const area = view.plotArea;
  context.save();
  context.beginPath();
  context.rect(area.left, area.top, area.width, area.height);
  context.clip();
  context.lineWidth = 1;
  context.strokeStyle = 'rgba(40, 40, 60, 0.35)';
  context.beginPath();
  for (const index of indices) {
    if (2 * index + 1 >= points.length) continue;
    const at = view.toScreen(mapPoint(points[2 * index], points[2 * index + 1]));
    const rx = Math.exp(logVar[2 * index] / 2) * view.pixelsPerUnit;
    const ry = Math.exp(logVar[2 * index + 1] / 2) * view.pixelsPerUnit;
    if (!Number.isFinite(rx) || !Number.isFinite(ry)) continue;
    context.moveTo(at.x + rx, at.y);
    context.ellipse(at.x, at.y, rx, ry, 0, 0, 2 * Math.PI);
  }
  context.stroke();
  context.restore();
}
