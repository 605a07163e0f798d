// The density contours layer: SVG paths written only when the contours change, then placed by a
// transform each frame, so zooming and panning never rewrite them.
import { select } from 'd3';
import { contourTransform, type DensityContours } from '../densityContours';
import { rampCss } from '../pointColouring';
import type { MapLayer } from './mapScene';

/** The contours whose paths each group holds now. */
const written = new WeakMap<SVGGElement, DensityContours>();

export const drawContoursLayer: MapLayer = (scene, view, surfaces) => {
  const group = surfaces.contours;
  if (!group) return;
  const { contours } = scene;
  if (!contours) {
    if (written.has(group)) {
      written.delete(group);
      select(group).selectAll('path').remove();
    }
    return;
  }
  if (written.get(group) !== contours) {
    written.set(group, contours);
    select(group)
      .selectAll('path')
      .data(contours.paths)
      .join('path')
      .attr('d', (d) => d)
      .attr('class', (_, i) => `contour level-${i}`)
      .attr('stroke', (_, i, all) => rampCss(0.15 + (0.85 * i) / Math.max(1, all.length - 1)));
  }
  group.setAttribute('transform', contourTransform(contours, view));
};
