// The points layer: every image as a dot, the probe's source point drawn larger on top.
import type { MapLayer } from './mapScene';

/** Past this many interleaved coordinates the dots get smaller, so dense maps stay readable. */
const DENSE_COORDINATES = 40_000;

export const drawPointsLayer: MapLayer = (scene, view, surfaces) => {
  const { points, colors, highlight } = scene;
  surfaces.points.render(points, points.length / 2, colors, view, {
    pointRadius: points.length > DENSE_COORDINATES ? 1.2 : 1.8,
    highlight: highlight >= 0 ? highlight : undefined,
  });
};
