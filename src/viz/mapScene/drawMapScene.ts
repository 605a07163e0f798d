// Draws one frame of the latent map: a plain function of the scene and the view, which runs
// the layers in order, back to front. A new layer is one more entry in MAP_LAYERS.
import type { MapView } from '../mapView';
import { drawAxesLayer } from './axesLayer';
import { drawContoursLayer } from './contoursLayer';
import { drawEllipsesLayer } from './ellipsesLayer';
import type { MapLayer, MapScene, MapSurfaces } from './mapScene';
import { drawPointsLayer } from './pointsLayer';
import { drawProbeLayer } from './probeLayer';

export const MAP_LAYERS: readonly MapLayer[] = [
  drawPointsLayer,
  drawAxesLayer,
  drawContoursLayer,
  drawEllipsesLayer,
  drawProbeLayer,
];

export function drawMapScene(
  scene: MapScene,
  view: MapView,
  surfaces: MapSurfaces,
  layers: readonly MapLayer[] = MAP_LAYERS,
): void {
  for (const layer of layers) layer(scene, view, surfaces);
}
