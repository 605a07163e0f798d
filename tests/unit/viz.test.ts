import { nice, schemeTableau10, zoomIdentity } from 'd3';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/rng';
import { classColors, packRgba, pointColors } from '../../src/viz/colors';
import { PointIndex } from '../../src/viz/hitTest';
import { pixelsToImageData } from '../../src/viz/imageTile';
import { lossChartDomains } from '../../src/viz/lossChart';
import { createMapView, type Margin } from '../../src/viz/mapView';
import {
  discStamp,
  setDeviceMapping,
  stampPoints,
  type DeviceMapping,
  type PixelTarget,
} from '../../src/viz/scatterRenderer';
import { mapPoint, screenPoint } from '../../src/viz/spaces';
import { interpolateDomain, nextDomain, type Domain } from '../../src/viz/stableDomain';

const margin: Margin = { top: 10, right: 20, bottom: 40, left: 50 };

describe('createMapView', () => {
  const zoomed = zoomIdentity.translate(-130, 45).scale(3.5);
  const options = { width: 800, height: 500, margin, domain: { x: [-4, 6], y: [-2, 2] } as Domain };

  it('round-trips map -> screen -> map under a zoom transform', () => {
    const view = createMapView({ ...options, transform: zoomed });
    for (const [x, y] of [[0, 0], [1.25, -3.5], [-4, 2], [17, 0.001]]) {
      const back = view.toMap(view.toScreen(mapPoint(x, y)));
      expect(back.x).toBeCloseTo(x, 9);
      expect(back.y).toBeCloseTo(y, 9);
    }
    const pointer = screenPoint(333, 222);
    const again = view.toScreen(view.toMap(pointer));
    expect(again.x).toBeCloseTo(pointer.x, 9);
    expect(again.y).toBeCloseTo(pointer.y, 9);
  });

  it('maps a pointer through the zoom the way d3-zoom does: undo the transform, then invert the base scales', () => {
    const base = createMapView({ ...options, transform: zoomIdentity });
    const view = createMapView({ ...options, transform: zoomed });
    const pointer = screenPoint(410, 160);
    const [unzoomedX, unzoomedY] = zoomed.invert([pointer.x, pointer.y]);
    const expected = base.toMap(screenPoint(unzoomedX, unzoomedY));
    const actual = view.toMap(pointer);
    expect(actual.x).toBeCloseTo(expected.x, 9);
    expect(actual.y).toBeCloseTo(expected.y, 9);
  });

  it('keeps y pointing up, also when zoomed', () => {
    for (const transform of [zoomIdentity, zoomed]) {
      const view = createMapView({ ...options, transform });
      expect(view.toScreen(mapPoint(0, 1)).y).toBeLessThan(view.toScreen(mapPoint(0, 0)).y);
      expect(view.toScreen(mapPoint(1, 0)).x).toBeGreaterThan(view.toScreen(mapPoint(0, 0)).x);
    }
  });

  it('uses one pixel scale on both axes and pads the shorter domain, with the whole domain visible', () => {
    // Plot area 730 x 450 px; domain 10 x 4 units: x limits the scale to 73 px per unit.
    const view = createMapView({ ...options, transform: zoomIdentity });
    const origin = view.toScreen(mapPoint(0, 0));
    const right = view.toScreen(mapPoint(1, 0));
    const up = view.toScreen(mapPoint(0, 1));
    expect(right.x - origin.x).toBeCloseTo(73, 9);
    expect(origin.y - up.y).toBeCloseTo(73, 9);
    expect(view.pixelsPerUnit).toBeCloseTo(73, 9);
    expect(view.xScale.domain()).toEqual([-4, 6]);
    // y is widened around its centre 0 to 450 / 73 units.
    const [yLow, yHigh] = view.yScale.domain();
    expect(yHigh - yLow).toBeCloseTo(450 / 73, 9);
    expect(yLow + yHigh).toBeCloseTo(0, 9);

    // A tall domain: y limits, x is padded.
    const tall = createMapView({ ...options, domain: { x: [0, 1], y: [-10, 10] }, transform: zoomIdentity });
    expect(tall.pixelsPerUnit).toBeCloseTo(450 / 20, 9);
    expect(tall.toScreen(mapPoint(0.5, 10)).y).toBeCloseTo(margin.top, 9);
    expect(tall.toScreen(mapPoint(0.5, -10)).y).toBeCloseTo(500 - margin.bottom, 9);
    expect(tall.toScreen(mapPoint(0.5, 0)).x).toBeCloseTo(margin.left + 730 / 2, 9);
  });

  it('scales both axes by the zoom factor and reports where map (0, 0) lands', () => {
    const base = createMapView({ ...options, transform: zoomIdentity });
    const view = createMapView({ ...options, transform: zoomed });
    expect(view.pixelsPerUnit).toBeCloseTo(base.pixelsPerUnit * 3.5, 9);
    const p = mapPoint(2.5, -1.5);
    const screen = view.toScreen(p);
    expect(view.origin.x + view.pixelsPerUnit * p.x).toBeCloseTo(screen.x, 9);
    expect(view.origin.y - view.pixelsPerUnit * p.y).toBeCloseTo(screen.y, 9);
  });

  it('stays finite for an empty domain and an element smaller than its margins', () => {
    const view = createMapView({ width: 30, height: 20, margin, domain: { x: [1, 1], y: [2, 2] }, transform: zoomIdentity });
    const p = view.toMap(view.toScreen(mapPoint(1, 2)));
    expect(p.x).toBeCloseTo(1, 9);
    expect(p.y).toBeCloseTo(2, 9);
  });
});

/** `count` points around (cx, cy), uniformly spread over +-halfWidth, +-halfHeight. */
function cloud(count: number, cx: number, cy: number, halfWidth: number, halfHeight: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  const points = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    points[2 * i] = cx + (2 * rng.next() - 1) * halfWidth;
    points[2 * i + 1] = cy + (2 * rng.next() - 1) * halfHeight;
  }
  return points;
}

function contains(domain: Domain, points: Float32Array): boolean {
  for (let i = 0; i < points.length; i += 2) {
    if (points[i] < domain.x[0] || points[i] > domain.x[1]) return false;
    if (points[i + 1] < domain.y[0] || points[i + 1] > domain.y[1]) return false;
  }
  return true;
}

function isNice([low, high]: readonly [number, number]): boolean {
  const [niceLow, niceHigh] = nice(low, high, 10);
  return niceLow === low && niceHigh === high;
}

describe('nextDomain', () => {
  const points = cloud(2000, 1, -2, 3, 2);
  const first = nextDomain(null, points, 2000);

  it('starts from the points padded and rounded to nice numbers', () => {
    expect(contains(first, points)).toBe(true);
    expect(isNice(first.x) && isNice(first.y)).toBe(true);
    // Padded by about a quarter of the 6 x 4 extent on each side, not much more.
    expect(first.x[1] - first.x[0]).toBeGreaterThanOrEqual(6 * 1.5 * 0.99);
    expect(first.x[1] - first.x[0]).toBeLessThanOrEqual(6 * 1.5 * 1.3);
    expect(first.y[1] - first.y[0]).toBeLessThanOrEqual(4 * 1.5 * 1.3);
  });

  it('returns the same domain object for small motions', () => {
    expect(nextDomain(first, points, 2000)).toBe(first);
    const moved = points.map((v, i) => (i % 2 === 0 ? v * 0.9 + 0.3 : v * 1.05 - 0.2));
    expect(nextDomain(first, moved, 2000)).toBe(first);
  });

  it('grows when the points leave it, and the new domain then holds', () => {
    const escaped = points.map((v, i) => (i % 2 === 0 ? v + 5 : v));
    const grown = nextDomain(first, escaped, 2000);
    expect(grown).not.toBe(first);
    expect(contains(grown, escaped)).toBe(true);
    expect(nextDomain(grown, escaped, 2000)).toBe(grown);
  });

  it('shrinks when the points collapse to a small part of it on both axes, but not on one', () => {
    const collapsed = cloud(2000, 1, -2, 0.6, 0.4, 2);
    const shrunk = nextDomain(first, collapsed, 2000);
    expect(shrunk).not.toBe(first);
    expect(contains(shrunk, collapsed)).toBe(true);
    expect(shrunk.x[1] - shrunk.x[0]).toBeLessThan((first.x[1] - first.x[0]) / 3);
    expect(nextDomain(shrunk, collapsed, 2000)).toBe(shrunk);

    const thinInX = cloud(2000, 1, -2, 0.3, 2, 3);
    expect(nextDomain(first, thinInX, 2000)).toBe(first);
  });

  it('ignores a single far outlier', () => {
    const withOutlier = Float32Array.from(points);
    withOutlier[0] = 500;
    withOutlier[1] = -800;
    expect(nextDomain(first, withOutlier, 2000)).toBe(first);
    const fresh = nextDomain(null, withOutlier, 2000);
    expect(fresh.x[1]).toBeLessThan(10);
    expect(fresh.y[0]).toBeGreaterThan(-10);
  });

  it('ignores non-finite points and only reads the first `count`', () => {
    const noisy = Float32Array.from(points);
    noisy[4] = Number.NaN;
    noisy[7] = Number.POSITIVE_INFINITY;
    expect(nextDomain(first, noisy, 2000)).toBe(first);
    const padded = new Float32Array(points.length + 20).fill(1e6);
    padded.set(points);
    expect(nextDomain(first, padded, 2000)).toBe(first);
    expect(nextDomain(first, new Float32Array([Number.NaN, 0]), 1)).toBe(first);
  });

  it('gives a drawable domain for a single point', () => {
    const single = nextDomain(null, new Float32Array([3, 3]), 1);
    expect(single.x[1]).toBeGreaterThan(single.x[0]);
    expect(single.x[0]).toBeLessThanOrEqual(3);
    expect(single.x[1]).toBeGreaterThanOrEqual(3);
  });
});

describe('interpolateDomain', () => {
  it('goes from a to b and clamps t', () => {
    const a: Domain = { x: [0, 10], y: [-1, 1] };
    const b: Domain = { x: [2, 6], y: [-3, 5] };
    expect(interpolateDomain(a, b, 0)).toEqual(a);
    expect(interpolateDomain(a, b, 1)).toEqual(b);
    expect(interpolateDomain(a, b, 0.5)).toEqual({ x: [1, 8], y: [-2, 3] });
    expect(interpolateDomain(a, b, 7)).toEqual(b);
    expect(interpolateDomain(a, b, -1)).toEqual(a);
  });
});

describe('PointIndex', () => {
  const count = 3000;
  const points = cloud(count, 0, 0, 5, 3, 4);
  const index = new PointIndex(points, count);

  function bruteNearest(x: number, y: number): { index: number; distance: number } {
    let best = -1;
    let bestDistance = Infinity;
    for (let i = 0; i < count; i++) {
      const d = Math.hypot(points[2 * i] - x, points[2 * i + 1] - y);
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    return { index: best, distance: bestDistance };
  }

  it('finds the same nearest point as brute force', () => {
    const rng = createRng(8);
    for (let q = 0; q < 300; q++) {
      const x = (rng.next() * 2 - 1) * 7;
      const y = (rng.next() * 2 - 1) * 5;
      expect(index.nearest(mapPoint(x, y), Infinity)).toBe(bruteNearest(x, y).index);
    }
  });

  it('returns -1 when nothing lies within maxDistance, and the nearest point when one does', () => {
    const rng = createRng(9);
    let misses = 0;
    for (let q = 0; q < 300; q++) {
      const x = (rng.next() * 2 - 1) * 7;
      const y = (rng.next() * 2 - 1) * 5;
      const brute = bruteNearest(x, y);
      const found = index.nearest(mapPoint(x, y), 0.05);
      expect(found).toBe(brute.distance < 0.05 ? brute.index : -1);
      if (found === -1) misses++;
    }
    expect(misses).toBeGreaterThan(0);
    expect(misses).toBeLessThan(300);
  });

  it('never picks non-finite points and is unaffected by later changes to the source buffer', () => {
    const source = new Float32Array([0, 0, Number.NaN, 1, 5, 5]);
    const small = new PointIndex(source, 3);
    expect(small.nearest(mapPoint(0, 1), Infinity)).toBe(0);
    source[0] = 100;
    expect(small.nearest(mapPoint(0, 0), 0.5)).toBe(0);
    expect(small.nearest(mapPoint(50, 50), 1)).toBe(-1);
  });

  it('handles points on a line or on one spot, and picks the lowest index of equally near points', () => {
    const line = new PointIndex(new Float32Array([0, 1, 2, 1, 4, 1, 6, 1]), 4);
    expect(line.nearest(mapPoint(4.2, -3), Infinity)).toBe(2);
    expect(line.nearest(mapPoint(3, 1), Infinity)).toBe(1);
    const spot = new PointIndex(new Float32Array([3, 3, 3, 3, 3, 3]), 3);
    expect(spot.nearest(mapPoint(0, 0), Infinity)).toBe(0);
    expect(spot.nearest(mapPoint(0, 0), 1)).toBe(-1);
    expect(new PointIndex(new Float32Array(0), 0).nearest(mapPoint(0, 0), Infinity)).toBe(-1);
  });

  it('matches brute force for queries far outside the points and for clustered points', () => {
    const rng = createRng(12);
    const clustered = new Float32Array(2 * 500);
    for (let i = 0; i < 500; i++) {
      const far = i % 50 === 0;
      clustered[2 * i] = far ? 40 + rng.next() : rng.next() * 0.01;
      clustered[2 * i + 1] = far ? -30 : rng.next() * 0.01;
    }
    const index = new PointIndex(clustered, 500);
    for (let q = 0; q < 200; q++) {
      const x = (rng.next() * 2 - 1) * 100;
      const y = (rng.next() * 2 - 1) * 100;
      let best = -1;
      let bestDistance = Infinity;
      for (let i = 0; i < 500; i++) {
        const d = Math.hypot(clustered[2 * i] - x, clustered[2 * i + 1] - y);
        if (d < bestDistance) {
          bestDistance = d;
          best = i;
        }
      }
      expect(index.nearest(mapPoint(x, y), Infinity)).toBe(best);
      expect(index.nearest(mapPoint(x, y), 20)).toBe(bestDistance < 20 ? best : -1);
    }
  });
});

describe('colors', () => {
  it('packs RGBA so a Uint32Array view writes bytes R, G, B, A', () => {
    const pixels = new Uint32Array([packRgba(10, 20, 30, 40)]);
    expect(Array.from(new Uint8Array(pixels.buffer))).toEqual([10, 20, 30, 40]);
    expect(packRgba(255, 255, 255)).toBe(0xffffffff);
  });

  it('starts with Tableau 10 and keeps more classes distinct', () => {
    const ten = classColors(10);
    expect(ten.css).toEqual([...schemeTableau10]);
    expect(ten.packed[0]).toBe(packRgba(0x4e, 0x79, 0xa7));
    const many = classColors(47);
    expect(new Set(many.css).size).toBe(47);
    expect(new Set(many.packed).size).toBe(47);
  });

  it('maps labels to pixel colours, reusing the output buffer', () => {
    const palette = classColors(3).packed;
    const out = new Uint32Array(4);
    const result = pointColors(new Uint8Array([2, 0, 1, 9]), palette, out);
    expect(result).toBe(out);
    expect(Array.from(result.slice(0, 3))).toEqual([palette[2], palette[0], palette[1]]);
    expect(result[3]).toBe(packRgba(150, 150, 150));
  });
});

describe('pixelsToImageData', () => {
  const target = () => ({ data: new Uint8ClampedArray(2 * 2 * 4), width: 2, height: 2 });

  it('writes float grey pixels as opaque grey, clamped, from the given offset', () => {
    const t = target();
    const pixels = new Float32Array([9, 9, 0, 0.5, 1, 2]);
    pixelsToImageData(pixels, 2, [2, 2, 1], t);
    expect(Array.from(t.data)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('writes byte RGB pixels unchanged', () => {
    const t = target();
    const pixels = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    pixelsToImageData(pixels, 0, [2, 2, 3], t);
    expect(Array.from(t.data)).toEqual([0, 20, 40, 255, 60, 80, 100, 255, 120, 140, 160, 255, 180, 200, 220, 255]);
  });

  it('refuses a target of the wrong size', () => {
    expect(() => pixelsToImageData(new Uint8Array(9), 0, [3, 3, 1], target())).toThrow();
  });
});

describe('point rasterising', () => {
  it('draws small points as full squares and larger ones as symmetric discs', () => {
    const three = discStamp(3);
    expect(Array.from(three.rowStart)).toEqual([0, 0, 0]);
    expect(Array.from(three.rowEnd)).toEqual([3, 3, 3]);
    const seven = discStamp(7);
    expect(seven.rowStart[0]).toBeGreaterThan(0);
    expect(seven.rowStart[3]).toBe(0);
    expect(seven.rowEnd[3]).toBe(7);
    for (let row = 0; row < 7; row++) {
      expect(seven.rowStart[row] + seven.rowEnd[row]).toBe(7);
      expect(seven.rowStart[row]).toBe(seven.rowStart[6 - row]);
    }
  });

  function canvasFor(width: number, height: number): PixelTarget {
    return { pixels: new Uint32Array(width * height), width, height };
  }

  const mapping = (): DeviceMapping => ({
    pixelsPerUnit: 0,
    originX: 0,
    originY: 0,
    clipLeft: 0,
    clipTop: 0,
    clipRight: 0,
    clipBottom: 0,
  });

  it('puts each point where the map view says, in device pixels, later points on top', () => {
    const view = createMapView({
      width: 100,
      height: 80,
      margin: { top: 0, right: 0, bottom: 0, left: 0 },
      domain: { x: [0, 10], y: [0, 8] },
      transform: zoomIdentity.translate(5, 0).scale(1),
    });
    const ratio = 2;
    const canvas = canvasFor(200, 160);
    const m = mapping();
    setDeviceMapping(m, view, ratio, canvas);
    const points = new Float32Array([2, 3, 2, 3, 7.5, 1]);
    stampPoints(canvas, points, 3, new Uint32Array([1, 2, 3]), m, discStamp(3));
    const at = (p: { x: number; y: number }) => canvas.pixels[Math.floor(p.y * ratio) * 200 + Math.floor(p.x * ratio)];
    expect(at(view.toScreen(mapPoint(2, 3)))).toBe(2);
    expect(at(view.toScreen(mapPoint(7.5, 1)))).toBe(3);
    expect(canvas.pixels.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0)).toBe(18);
  });

  it('clips to the plot area and skips points that are not finite', () => {
    const view = createMapView({
      width: 50,
      height: 50,
      margin: { top: 10, right: 10, bottom: 10, left: 10 },
      domain: { x: [0, 30], y: [0, 30] },
      transform: zoomIdentity,
    });
    const canvas = canvasFor(50, 50);
    const m = mapping();
    setDeviceMapping(m, view, 1, canvas);
    // Corners of the domain (half in, half out), a point far outside and a NaN.
    const points = new Float32Array([0, 0, 30, 30, -100, 5, Number.NaN, 3]);
    stampPoints(canvas, points, 4, new Uint32Array([7, 7, 7, 7]), m, discStamp(5));
    for (let y = 0; y < 50; y++) {
      for (let x = 0; x < 50; x++) {
        const inside = x >= 10 && x < 40 && y >= 10 && y < 40;
        if (!inside) expect(canvas.pixels[y * 50 + x]).toBe(0);
      }
    }
    expect(canvas.pixels[39 * 50 + 10]).toBe(7);
    expect(canvas.pixels[10 * 50 + 39]).toBe(7);
  });
});

describe('lossChartDomains', () => {
  it('spans all epochs and the finite losses, rounded, starting at 0 only when padding crosses it', () => {
    const domains = lossChartDomains([
      { name: 'train', color: '#000', points: [{ epoch: 1, value: 0.2 }, { epoch: 2, value: 0.08 }, { epoch: 3, value: Number.NaN }] },
      { name: 'held-out', color: '#111', points: [{ epoch: 1, value: 0.21 }, { epoch: 4, value: 0.1 }] },
    ]);
    expect(domains.epoch).toEqual([1, 4]);
    expect(domains.loss[0]).toBeLessThanOrEqual(0.08);
    expect(domains.loss[0]).toBeGreaterThan(0);
    expect(domains.loss[1]).toBeGreaterThanOrEqual(0.21);
    expect(nice(domains.loss[0], domains.loss[1], 6)).toEqual(domains.loss);
  });

  it('gives drawable domains for no data and a single point', () => {
    expect(lossChartDomains([])).toEqual({ epoch: [0, 1], loss: [0, 1] });
    const one = lossChartDomains([{ name: 'train', color: '#000', points: [{ epoch: 0, value: 0.5 }] }]);
    expect(one.epoch[1]).toBeGreaterThan(one.epoch[0]);
    expect(one.loss[1]).toBeGreaterThan(one.loss[0]);
    expect(one.loss[0]).toBeLessThanOrEqual(0.5);
  });
});
