// The probe layer: moves the probe's handle to its place, faded when it lies outside the plot area.
import type { MapLayer } from './mapScene';

export const drawProbeLayer: MapLayer = (scene, view, surfaces) => {
  const handle = surfaces.probe;
  const at = view.toScreen(scene.probe.at);
  const area = view.plotArea;
  const inside = at.x >= area.left && at.x <= area.left + area.width && at.y >= area.top && at.y <= area.top + area.height;
  handle.style.transform = `translate(${at.x}px, ${at.y}px)`;
  handle.style.opacity = inside ? '1' : '0.25';
  // Hidden (and so out of the tab order) where the probe's place means nothing.
  handle.style.visibility = scene.probe.hidden ? 'hidden' : '';
};
