// From map units to CSS pixels and back, for one element size, data domain and zoom state.
// The base scales fit the domain into the plot area with one map unit the same number of pixels on
// both axes (distances in a latent space mean the same in every direction); the zoom then rescales
// both, exactly as d3-zoom's `rescaleX` / `rescaleY` do, so pointer maths and axes agree.
import { scaleLinear, type ScaleLinear, type ZoomTransform } from 'd3';
import { mapPoint, screenPoint, type MapPoint, type ScreenPoint } from './spaces';
import type { Domain } from './stableDomain';

/** Room kept free around the plot (for axes and labels), CSS pixels. */
export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface MapViewOptions {
  /** Width of the map element, CSS pixels. */
  width: number;
  /** Height of the map element, CSS pixels. */
  height: number;
  margin: Margin;
  /**
   * Map units to show when not zoomed. The shorter side is widened around its centre so both axes
   * share one scale; the whole domain is always visible at the identity transform.
   */
  domain: Domain;
  /** The current d3-zoom transform (`d3.zoomIdentity` shows `domain`). */
  transform: ZoomTransform;
}

/** The rectangle inside the margins where points are drawn, CSS pixels. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface MapView {
  /** Element size, CSS pixels. */
  readonly width: number;
  readonly height: number;
  readonly plotArea: PlotArea;
  /** Map x -> CSS pixel x, zoom applied. Feed it to `d3.axisBottom`. */
  readonly xScale: ScaleLinear<number, number>;
  /** Map y -> CSS pixel y, zoom applied; the range is inverted so larger map y is higher. */
  readonly yScale: ScaleLinear<number, number>;
  /** CSS pixels per map unit after zooming; the same on both axes. */
  readonly pixelsPerUnit: number;
  /**
   * Where map (0, 0) lands. With `pixelsPerUnit` this is the whole transform,
   * `screen = (origin.x + ppu * x, origin.y - ppu * y)`, for hot loops that cannot call scales.
   */
  readonly origin: ScreenPoint;
  toScreen(point: MapPoint): ScreenPoint;
  toMap(point: ScreenPoint): MapPoint;
}

/** Span given to an axis whose domain is empty, so the scales stay invertible. */
const FALLBACK_SPAN = 1;

export function createMapView({ width, height, margin, domain, transform }: MapViewOptions): MapView {
  // At least one pixel each way so a collapsed layout still yields finite, invertible scales.
  const plotWidth = Math.max(1, width - margin.left - margin.right);
  const plotHeight = Math.max(1, height - margin.top - margin.bottom);
  const plotArea: PlotArea = { left: margin.left, top: margin.top, width: plotWidth, height: plotHeight };

  const spanX = positiveSpan(domain.x);
  const spanY = positiveSpan(domain.y);
  // The tighter axis decides the scale; the other gets extra room around its centre.
  const basePixelsPerUnit = Math.min(plotWidth / spanX, plotHeight / spanY);
  const centreX = (domain.x[0] + domain.x[1]) / 2;
  const centreY = (domain.y[0] + domain.y[1]) / 2;
  const halfWidth = plotWidth / basePixelsPerUnit / 2;
  const halfHeight = plotHeight / basePixelsPerUnit / 2;

  const baseX = scaleLinear()
    .domain([centreX - halfWidth, centreX + halfWidth])
    .range([plotArea.left, plotArea.left + plotWidth]);
  const baseY = scaleLinear()
    .domain([centreY - halfHeight, centreY + halfHeight])
    .range([plotArea.top + plotHeight, plotArea.top]);

  const xScale = transform.rescaleX(baseX);
  const yScale = transform.rescaleY(baseY);

  return {
    width,
    height,
    plotArea,
    xScale,
    yScale,
    pixelsPerUnit: basePixelsPerUnit * transform.k,
    origin: screenPoint(xScale(0), yScale(0)),
    toScreen: (point) => screenPoint(xScale(point.x), yScale(point.y)),
    toMap: (point) => mapPoint(xScale.invert(point.x), yScale.invert(point.y)),
  };
}

function positiveSpan(extent: readonly [number, number]): number {
  const span = extent[1] - extent[0];
  return span > 0 && Number.isFinite(span) ? span : FALLBACK_SPAN;
}
