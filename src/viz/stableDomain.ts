// Keeps the map's axes still while training moves the points. Redrawing the axes every epoch makes
// the motion of the points unreadable, so the domain only changes when the points leave it or
// shrink to a small part of it, and then jumps to padded, round numbers that will hold for a while.
import { nice, quickselect } from 'd3';

/** [min, max] of one axis, map units. */
export type Extent = readonly [min: number, max: number];

/** The part of the map the axes show before zooming, map units. */
export interface Domain {
  readonly x: Extent;
  readonly y: Extent;
}

export interface StableDomainOptions {
  /**
   * Share of the points ignored at each end of each axis when measuring their extent, so a few
   * outliers do not stretch the axes. Default 0.005 (0.5 %).
   */
  tailFraction?: number;
  /** Room added on each side of the measured extent for a new domain, as a share of its span. Default 0.25. */
  padding?: number;
  /**
   * The domain shrinks when the points span less than this share of it on both axes. Keep it well
   * under 1 / (1 + 2 * padding) or the domain would shrink right after growing. Default 0.35.
   */
  minFill?: number;
}

/** Shown before there are any points. */
const EMPTY_DOMAIN: Domain = { x: [-1, 1], y: [-1, 1] };
/** Roughly how many ticks the rounded domain is sized for; `d3.nice` rounds to one such step. */
const NICE_TICKS = 10;

/**
 * The domain to show for these points: `current` itself (same object) while it still suits them,
 * else a fresh one. `points` holds x, y interleaved; non-finite points are ignored.
 */
export function nextDomain(
  current: Domain | null,
  points: Float32Array,
  count: number,
  options: StableDomainOptions = {},
): Domain {
  const { tailFraction = 0.005, padding = 0.25, minFill = 0.35 } = options;
  const extent = robustExtent(points, count, tailFraction);
  if (extent === null) return current ?? EMPTY_DOMAIN;
  if (current !== null && suits(current, extent, minFill)) return current;

  const fresh: Domain = {
    x: paddedNiceExtent(extent.x, padding),
    y: paddedNiceExtent(extent.y, padding),
  };
  return current !== null && sameDomain(current, fresh) ? current : fresh;
}

/** Linear blend from `a` (t = 0) to `b` (t = 1), for animating a domain change; t is clamped. */
export function interpolateDomain(a: Domain, b: Domain, t: number): Domain {
  const s = Math.min(1, Math.max(0, t));
  const blend = (from: number, to: number): number => from + (to - from) * s;
  return {
    x: [blend(a.x[0], b.x[0]), blend(a.x[1], b.x[1])],
    y: [blend(a.y[0], b.y[0]), blend(a.y[1], b.y[1])],
  };
}

/**
 * Extent of the points on each axis with the outermost `tailFraction` cut off at both ends, or null
 * when no point is finite. Exported for tests.
 */
export function robustExtent(points: Float32Array, count: number, tailFraction: number): Domain | null {
  const n = Math.min(count, points.length >> 1);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    if (Number.isFinite(x) && Number.isFinite(y)) {
      xs[finite] = x;
      ys[finite] = y;
      finite++;
    }
  }
  if (finite === 0) return null;
  return {
    x: trimmedExtent(xs.subarray(0, finite), tailFraction),
    y: trimmedExtent(ys.subarray(0, finite), tailFraction),
  };
}

/** The values at both trimmed ends, by selection rather than sorting (linear time). Reorders `values`. */
function trimmedExtent(values: Float64Array, tailFraction: number): Extent {
  const last = values.length - 1;
  const cut = Math.floor(Math.min(Math.max(tailFraction, 0), 0.5) * last);
  const high = last - cut;
  quickselect(values, high);
  // After the first selection everything left of `high` is <= it, so the low end is found there.
  quickselect(values, cut, 0, high);
  return [values[cut], values[high]];
}

function suits(current: Domain, extent: Domain, minFill: number): boolean {
  const inside =
    extent.x[0] >= current.x[0] &&
    extent.x[1] <= current.x[1] &&
    extent.y[0] >= current.y[0] &&
    extent.y[1] <= current.y[1];
  if (!inside) return false;
  const fillX = span(extent.x) / span(current.x);
  const fillY = span(extent.y) / span(current.y);
  return fillX >= minFill || fillY >= minFill;
}

function paddedNiceExtent([min, max]: Extent, padding: number): Extent {
  let room = (max - min) * padding;
  if (!(room > 0)) {
    // All points share this coordinate (e.g. an untrained encoder): give the axis a small span of
    // its own scale so it can still be drawn and later growth is noticed.
    room = 1e-3 * Math.max(1, Math.abs(min));
  }
  const [niceMin, niceMax] = nice(min - room, max + room, NICE_TICKS);
  return [niceMin, niceMax];
}

function span(extent: Extent): number {
  return extent[1] - extent[0];
}

function sameDomain(a: Domain, b: Domain): boolean {
  return a.x[0] === b.x[0] && a.x[1] === b.x[1] && a.y[0] === b.y[0] && a.y[1] === b.y[1];
}
