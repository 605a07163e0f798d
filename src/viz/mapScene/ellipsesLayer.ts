// The variational kind's 1-sigma ellipses, on a canvas of their own. The canvas is cleared only
// when ellipses were shown, so a map without them costs nothing per frame.
import { drawSigmaEllipses } from '../sigmaEllipses';
import type { MapLayer } from './mapScene';

const shown = new WeakSet<CanvasRenderingContext2D>();

export const drawEllipsesLayer: MapLayer = (scene, view, surfaces) => {
  const context = surfaces.ellipses;
  if (!context) return;
  if (!scene.ellipses && !shown.has(context)) return;
  if (scene.ellipses) shown.add(context);
  else shown.delete(context);
  drawSigmaEllipses(context, view, surfaces.pixelRatio, scene.ellipses);
};
