// The map's d3 axes, drawn into the `g.axis-x` and `g.axis-y` groups of an SVG overlay.
import { axisBottom, axisLeft, select } from 'd3';
import type { MapView } from './mapView';

/** Roughly one tick per this many CSS pixels, so labels never crowd at any size. */
const PIXELS_PER_X_TICK = 90;
const PIXELS_PER_Y_TICK = 70;

export function drawMapAxes(svg: SVGSVGElement, view: MapView): void {
  const { plotArea } = view;
  const root = select(svg);
  root
    .select<SVGGElement>('g.axis-x')
    .attr('transform', `translate(0,${plotArea.top + plotArea.height})`)
    .call(axisBottom(view.xScale).ticks(Math.max(2, Math.floor(plotArea.width / PIXELS_PER_X_TICK))));
  root
    .select<SVGGElement>('g.axis-y')
    .attr('transform', `translate(${plotArea.left},0)`)
    .call(axisLeft(view.yScale).ticks(Math.max(2, Math.floor(plotArea.height / PIXELS_PER_Y_TICK))));
}
