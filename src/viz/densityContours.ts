// Density contours of the map's points (d3-contour), computed once per map in a fixed frame and
// drawn through an SVG transform, so zooming and panning never recompute them.
import { contourDensity, geoPath, type ContourMultiPolygon } from 'd3';
import type { Domain } from './stableDomain';
import type { MapView } from './mapView';

/** Side of the square frame, in frame units, that the domain is scaled into before estimating. */
const FRAME = 400;

export interface DensityContours {
  /** SVG path data per contour level, densest last. */
  paths: string[];
  /** The domain the frame was laid over: frame (0,0) is (domain.x[0], domain.y[1]). */
  domain: Domain;
}

export function computeDensityContours(points: Float32Array, count: number, domain: Domain, levels = 10): DensityContours {
  const spanX = domain.x[1] - domain.x[0] || 1;
  const spanY = domain.y[1] - domain.y[0] || 1;
  const indices = Array.from({ length: count }, (_, i) => i).filter(
    (i) => Number.isFinite(points[2 * i]) && Number.isFinite(points[2 * i + 1]),
  );
  const contours: ContourMultiPolygon[] = contourDensity<number>()
    .x((i) => ((points[2 * i] - domain.x[0]) / spanX) * FRAME)
    .y((i) => ((domain.y[1] - points[2 * i + 1]) / spanY) * FRAME)
    .size([FRAME, FRAME])
    .bandwidth(FRAME / 60)
    .thresholds(levels)(indices);
  const path = geoPath();
  return { paths: contours.map((contour) => path(contour) ?? ''), domain };
}

/** The SVG transform that puts frame coordinates where `view` shows the contours' domain. */
export function contourTransform(contours: DensityContours, view: MapView): string {
  const { domain } = contours;
  const left = view.xScale(domain.x[0]);
  const top = view.yScale(domain.y[1]);
  const scaleX = (view.xScale(domain.x[1]) - left) / FRAME;
  const scaleY = (view.yScale(domain.y[0]) - top) / FRAME;
  return `matrix(${scaleX} 0 0 ${scaleY} ${left} ${top})`;
}

