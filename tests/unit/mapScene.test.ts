import { zoomIdentity } from 'd3';
import { describe, expect, it } from 'vitest';
import { drawMapScene, MAP_LAYERS } from '../../src/viz/mapScene/drawMapScene';
import { DomainGlide, PointGlide } from '../../src/viz/mapScene/glide';
import type { MapLayer, MapScene, MapSurfaces } from '../../src/viz/mapScene/mapScene';
import { createMapView, type MapView } from '../../src/viz/mapView';
import { mapPoint } from '../../src/viz/spaces';
import { startFrameLoop, type FrameClock } from '../../src/ui/latentMap/frameLoop';

const margin = { top: 10, right: 10, bottom: 10, left: 10 };

function view(width = 220, height = 220): MapView {
  return createMapView({ width, height, margin, domain: { x: [-1, 1], y: [-1, 1] }, transform: zoomIdentity });
}

function scene(overrides: Partial<MapScene> = {}): MapScene {
  return {
    points: new Float32Array([0, 0, 0.5, 0.5]),
    colors: new Uint32Array([1, 2]),
    highlight: -1,
    contours: null,
    ellipses: null,
    probe: { at: mapPoint(0, 0), hidden: false },
    ...overrides,
  };
}

/** Surfaces that write what each layer does into one log, in order. */
function recordingSurfaces(log: string[]) {
  const style: Record<string, string> = {};
  const probe = {
    style: new Proxy(style, {
      set(target, key: string, value: string) {
        log.push(`probe.${key}`);
        target[key] = value;
        return true;
      },
    }),
  };
  const context = new Proxy(
    {},
    {
      get: (_target, key: string) => (...args: unknown[]) => log.push(`ellipses.${key}(${args.length})`),
      set: (_target, key: string) => {
        log.push(`ellipses.${key}=`);
        return true;
      },
    },
  );
  const renderCalls: unknown[][] = [];
  const surfaces: MapSurfaces = {
    points: {
      render: (...args) => {
        log.push('points.render');
        renderCalls.push(args);
      },
    },
    axes: { querySelector: (selector: string) => (log.push(`axes.${selector}`), null) } as unknown as SVGSVGElement,
    contours: null,
    ellipses: context as CanvasRenderingContext2D,
    probe: probe as unknown as HTMLElement,
    pixelRatio: 2,
  };
  return { surfaces, style, renderCalls };
}

describe('drawMapScene', () => {
  it('calls every layer once, in order, with the scene, the view and the surfaces', () => {
    const calls: string[] = [];
    const seen: unknown[][] = [];
    const layer = (name: string): MapLayer => (...args) => {
      calls.push(name);
      seen.push(args);
    };
    const s = scene();
    const v = view();
    const { surfaces } = recordingSurfaces([]);
    drawMapScene(s, v, surfaces, [layer('a'), layer('b'), layer('c')]);
    expect(calls).toEqual(['a', 'b', 'c']);
    for (const args of seen) expect(args).toEqual([s, v, surfaces]);
  });

  it('draws points, then axes, then ellipses, then the probe, all through the view it is given', () => {
    expect(MAP_LAYERS.length).toBe(5);
    const log: string[] = [];
    const { surfaces, style, renderCalls } = recordingSurfaces(log);
    const ellipses = { points: new Float32Array([0, 0]), logVar: new Float32Array([0, 0]), indices: new Int32Array([0]) };
    const small = view(220, 220);
    drawMapScene(scene({ ellipses, highlight: 1 }), small, surfaces);
    const firstOf = (prefix: string) => log.findIndex((entry) => entry.startsWith(prefix));
    expect(firstOf('points.')).toBe(0);
    expect(firstOf('axes.')).toBeGreaterThan(firstOf('points.'));
    expect(firstOf('ellipses.')).toBeGreaterThan(firstOf('axes.'));
    expect(firstOf('probe.')).toBeGreaterThan(log.lastIndexOf('ellipses.restore(0)'));
    expect(log).toContain('ellipses.ellipse(7)');
    expect(renderCalls[0]).toEqual([scene().points, 2, scene().colors, small, { pointRadius: 1.8, highlight: 1 }]);
    // Map (0, 0) is the middle of a 220-pixel map.
    expect(style.transform).toBe('translate(110px, 110px)');

    // A larger view moves the probe: the layers read the view, not a size they were made with.
    drawMapScene(scene(), view(420, 320), surfaces);
    expect(style.transform).toBe('translate(210px, 160px)');
  });

  it('clears the ellipse canvas once when ellipses go away, and leaves it alone while there are none', () => {
    const log: string[] = [];
    const { surfaces } = recordingSurfaces(log);
    const ellipsesLog = () => log.filter((entry) => entry.startsWith('ellipses.clearRect'));
    drawMapScene(scene(), view(), surfaces);
    expect(ellipsesLog()).toHaveLength(0);
    const ellipses = { points: new Float32Array([0, 0]), logVar: new Float32Array([0, 0]), indices: new Int32Array([0]) };
    drawMapScene(scene({ ellipses }), view(), surfaces);
    drawMapScene(scene(), view(), surfaces);
    drawMapScene(scene(), view(), surfaces);
    expect(ellipsesLog()).toHaveLength(2);
  });

  it('fades the probe outside the plot area and hides it on the pixels\u2019 PCA map', () => {
    const { surfaces, style } = recordingSurfaces([]);
    drawMapScene(scene({ probe: { at: mapPoint(5, 0), hidden: false } }), view(), surfaces);
    expect(style.opacity).toBe('0.25');
    expect(style.visibility).toBe('');
    drawMapScene(scene({ probe: { at: mapPoint(0, 0), hidden: true } }), view(), surfaces);
    expect(style.opacity).toBe('1');
    expect(style.visibility).toBe('hidden');
  });

  it('uses smaller dots on a dense map', () => {
    const { surfaces, renderCalls } = recordingSurfaces([]);
    drawMapScene(scene({ points: new Float32Array(40_002), colors: new Uint32Array(20_001) }), view(), surfaces);
    expect(renderCalls[0][4]).toEqual({ pointRadius: 1.2, highlight: undefined });
  });
});

describe('map glides', () => {
  it('moves points from where they were drawn to a new snapshot, and snaps when the map jumps', () => {
    const glide = new PointGlide(100);
    glide.retarget(new Float32Array([0, 0]), false, 0);
    expect([...glide.pointsAt(100)]).toEqual([0, 0]);
    glide.retarget(new Float32Array([10, -10]), false, 100);
    expect(glide.moving(150)).toBe(true);
    const mid = glide.pointsAt(150);
    expect(mid[0]).toBeGreaterThan(0);
    expect(mid[0]).toBeLessThan(10);
    expect(glide.moving(200)).toBe(false);
    expect([...glide.pointsAt(200)]).toEqual([10, -10]);
    glide.retarget(new Float32Array([20, 20]), true, 200);
    expect([...glide.pointsAt(210)]).toEqual([20, 20]);
  });

  it('eases the domain to a new one and keeps animating until the frame that reaches it', () => {
    const glide = new DomainGlide(100);
    glide.follow(new Float32Array([0, 0, 1, 1]), 2, 0);
    expect(glide.animating()).toBe(false);
    const first = glide.at(0);
    glide.follow(new Float32Array([0, 0, 50, 50]), 2, 10);
    expect(glide.animating()).toBe(true);
    const halfway = glide.at(60);
    expect(halfway.x[1]).toBeGreaterThan(first.x[1]);
    expect(halfway.x[1]).toBeLessThan(glide.target!.x[1]);
    expect(glide.at(110)).toBe(glide.target);
    expect(glide.animating()).toBe(false);
    glide.reset();
    expect(glide.at(0)).toEqual({ x: [-1, 1], y: [-1, 1] });
  });
});

describe('frame loop', () => {
  function fakeClock() {
    let next: ((now: number) => void) | null = null;
    let requests = 0;
    let cancelled = 0;
    const clock: FrameClock = {
      request: (callback) => {
        requests++;
        next = callback;
        return requests;
      },
      cancel: () => {
        cancelled++;
        next = null;
      },
    };
    const frame = (now: number) => {
      const callback = next;
      next = null;
      callback?.(now);
    };
    return { clock, frame, pending: () => next !== null, requests: () => requests, cancelled: () => cancelled };
  }

  it('draws once per frame, only when something changed or a glide is under way, and asks for no frame while idle', () => {
    const { clock, frame, pending, requests, cancelled } = fakeClock();
    const drawn: number[] = [];
    let changed = false;
    let animatingUntil = -1;
    const loop = startFrameLoop(
      { prepare: () => changed, animating: (now) => now < animatingUntil, draw: (now) => drawn.push(now) },
      clock,
    );
    frame(1);
    expect(drawn).toEqual([1]);
    // Nothing changed and nothing glides: no frame is asked for until something invalidates.
    expect(pending()).toBe(false);
    frame(2);
    expect(drawn).toEqual([1]);
    loop.invalidate();
    loop.invalidate();
    expect(requests()).toBe(2);
    frame(3);
    frame(4);
    expect(drawn).toEqual([1, 3]);
    // A change taken in by prepare draws on the frame an invalidation asked for.
    changed = true;
    loop.invalidate();
    frame(5);
    changed = false;
    animatingUntil = 8;
    loop.invalidate();
    frame(6);
    frame(7);
    frame(8);
    expect(drawn).toEqual([1, 3, 5, 6, 7]);
    expect(pending()).toBe(false);
    loop.invalidate();
    loop.stop();
    expect(cancelled()).toBe(1);
    loop.invalidate();
    frame(9);
    expect(drawn).toEqual([1, 3, 5, 6, 7]);
  });
});
