// The axes layer: ticks and labels for the part of the map on screen.
import { drawMapAxes } from '../mapAxes';
import type { MapLayer } from './mapScene';

export const drawAxesLayer: MapLayer = (_scene, view, surfaces) => {
  drawMapAxes(surfaces.axes, view);
};
