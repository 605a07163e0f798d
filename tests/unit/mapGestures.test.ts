import { zoomIdentity } from 'd3';
import { describe, expect, it } from 'vitest';
import { attachMapGestures, type MapGestureOptions } from '../../src/ui/latentMap/mapGestures';
import { nextHover, type HoveredPoint } from '../../src/ui/latentMap/hoverPoint';
import type { MapZoomBehavior } from '../../src/ui/latentMap/zoomPan';
import { createMapView, type MapView } from '../../src/viz/mapView';
import { screenPoint, type MapPoint } from '../../src/viz/spaces';

type Listener = (event: FakePointerEvent) => void;

interface FakePointerEvent {
  type: string;
  pointerId: number;
  pointerType: string;
  button: number;
  shiftKey: boolean;
  clientX: number;
  clientY: number;
  defaultPrevented: boolean;
  preventDefault(): void;
}

/** An element that keeps its listeners and pointer captures, and sits at (10, 20) on the page. */
class FakeElement {
  readonly listeners = new Map<string, Listener[]>();
  added = 0;
  removed = 0;
  readonly captured = new Set<number>();

  addEventListener(type: string, listener: Listener) {
    this.added++;
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener(type: string, listener: Listener) {
    this.removed++;
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((l) => l !== listener));
  }
  getBoundingClientRect() {
    return { left: 10, top: 20 };
  }
  setPointerCapture(id: number) {
    this.captured.add(id);
  }
  hasPointerCapture(id: number) {
    return this.captured.has(id);
  }
  releasePointerCapture(id: number) {
    this.captured.delete(id);
  }
  dispatch(type: string, x: number, y: number, init: Partial<FakePointerEvent> = {}): FakePointerEvent {
    const event: FakePointerEvent = {
      type,
      pointerId: 1,
      pointerType: 'mouse',
      button: 0,
      shiftKey: false,
      clientX: x + 10,
      clientY: y + 20,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
      ...init,
    };
    for (const listener of this.listeners.get(type) ?? []) listener(event);
    return event;
  }
}

function view(width: number, height: number): MapView {
  const margin = { top: 0, right: 0, bottom: 0, left: 0 };
  return createMapView({ width, height, margin, domain: { x: [-1, 1], y: [-1, 1] }, transform: zoomIdentity });
}

function setup(overrides: Partial<MapGestureOptions> = {}) {
  const element = new FakeElement();
  const record = {
    presses: [] as MapPoint[],
    drags: [] as MapPoint[],
    regions: [] as [MapPoint, MapPoint][],
    hover: null as HoveredPoint | null,
    hoverUpdates: 0,
    zoomCalls: [] as string[],
  };
  let current: MapView | null = view(200, 200);
  const zoomCall = (name: string) => () => record.zoomCalls.push(name);
  const zoom = Object.assign(() => undefined, { translateBy: zoomCall('translateBy'), scaleBy: zoomCall('scaleBy') }) as unknown as MapZoomBehavior;
  let selecting = false;
  const detach = attachMapGestures(element as unknown as HTMLDivElement, {
    getView: () => current,
    zoom,
    getTransform: () => zoomIdentity,
    brushRectangle: null,
    isSelecting: () => selecting,
    selectRegion: (a, b) => record.regions.push([a, b]),
    pointNear: () => -1,
    pressProbe: (at) => {
      record.presses.push(at);
      return true;
    },
    dragProbe: (at) => record.drags.push(at),
    setHover: (update) => {
      record.hoverUpdates++;
      record.hover = typeof update === 'function' ? update(record.hover) : update;
    },
    ...overrides,
  });
  return {
    element,
    record,
    detach,
    setView: (next: MapView | null) => {
      current = next;
    },
    setSelecting: (on: boolean) => {
      selecting = on;
    },
  };
}

describe('map gestures', () => {
  it('read the view when an event comes, so a new view (a resize) re-attaches nothing', () => {
    const { element, record, setView } = setup();
    const added = element.added;
    expect(added).toBeGreaterThan(0);

    element.dispatch('pointerdown', 150, 50);
    expect(record.presses).toEqual([view(200, 200).toMap(screenPoint(150, 50))]);
    expect(element.captured.has(1)).toBe(true);

    const larger = view(400, 300);
    setView(larger);
    element.dispatch('pointermove', 150, 50);
    expect(record.drags).toEqual([larger.toMap(screenPoint(150, 50))]);
    expect(record.drags[0]).not.toEqual(record.presses[0]);

    element.dispatch('pointerup', 150, 50);
    expect(element.captured.size).toBe(0);
    element.dispatch('pointermove', 160, 60);
    expect(record.drags).toHaveLength(1);
    expect(element.added).toBe(added);
    expect(element.removed).toBe(0);
  });

  it('do nothing before the first frame has given them a view', () => {
    const { element, record, setView } = setup();
    setView(null);
    element.dispatch('pointerdown', 50, 50);
    element.dispatch('pointermove', 60, 60);
    expect(record.presses).toHaveLength(0);
    expect(record.hoverUpdates).toBe(0);
  });

  it('detach removes every listener they added', () => {
    const { element, detach } = setup();
    detach();
    expect(element.removed).toBe(element.added);
    expect([...element.listeners.values()].every((list) => list.length === 0)).toBe(true);
  });

  it('brush a region instead of moving the probe while selecting', () => {
    const { element, record, setSelecting } = setup();
    setSelecting(true);
    element.dispatch('pointerdown', 20, 30);
    element.dispatch('pointermove', 120, 130);
    element.dispatch('pointerup', 120, 130);
    expect(record.presses).toHaveLength(0);
    expect(record.drags).toHaveLength(0);
    const v = view(200, 200);
    expect(record.regions).toEqual([[v.toMap(screenPoint(20, 30)), v.toMap(screenPoint(120, 130))]]);
  });

  it('leave a pan (Shift or another button) to the zoom', () => {
    const { element, record } = setup();
    element.dispatch('pointerdown', 20, 30, { shiftKey: true });
    element.dispatch('pointerdown', 20, 30, { button: 1 });
    expect(record.presses).toHaveLength(0);
  });

  it('show hover only when no drag is under way, and clear it when a drag starts or the pointer leaves', () => {
    const { element, record } = setup({ pointNear: () => 3 });
    element.dispatch('pointermove', 40, 40);
    expect(record.hover).toEqual({ index: 3, left: 40, top: 40 });
    element.dispatch('pointerdown', 40, 40);
    expect(record.hover).toBeNull();
    const updates = record.hoverUpdates;
    element.dispatch('pointermove', 45, 45);
    expect(record.hoverUpdates).toBe(updates);
    element.dispatch('pointerup', 45, 45);
    element.dispatch('pointermove', 45, 45);
    expect(record.hover).toEqual({ index: 3, left: 45, top: 45 });
    element.dispatch('pointerleave', 0, 0);
    expect(record.hover).toBeNull();
  });

  it('turn a one-finger probe drag into a pinch when a second finger comes down', () => {
    const { element, record } = setup();
    const touch = (id: number) => ({ pointerType: 'touch', pointerId: id });
    element.dispatch('pointerdown', 50, 50, touch(1));
    expect(record.presses).toHaveLength(1);
    element.dispatch('pointermove', 55, 50, touch(1));
    expect(record.drags).toHaveLength(1);
    const second = element.dispatch('pointerdown', 150, 50, touch(2));
    expect(second.defaultPrevented).toBe(true);
    expect(record.presses).toHaveLength(1);
    element.dispatch('pointermove', 40, 50, touch(1));
    expect(record.drags).toHaveLength(1);
    expect(record.zoomCalls).toEqual(['translateBy', 'scaleBy']);
    // Lifting one finger does not bring the drag back.
    element.dispatch('pointerup', 150, 50, touch(2));
    element.dispatch('pointermove', 30, 50, touch(1));
    expect(record.drags).toHaveLength(1);
  });
});

describe('nextHover', () => {
  it('keeps the same object while the pointer stays near the same point', () => {
    const first = nextHover(null, 4, screenPoint(1, 2));
    expect(first).toEqual({ index: 4, left: 1, top: 2 });
    expect(nextHover(first, 4, screenPoint(3, 3))).toBe(first);
    expect(nextHover(first, -1, screenPoint(3, 3))).toBeNull();
  });
});
