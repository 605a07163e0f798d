// Two fingers pinch to zoom (and pan with their midpoint). While two fingers are down the pinch
// owns their events, so the probe drag, brush and hover leave them alone.
import { select, type ZoomTransform } from 'd3';
import { listen, pointerOnScreen, releasePointer } from './pointer';
import type { MapZoomBehavior } from './zoomPan';

export interface PinchZoom {
  /** True when `event` belongs to a pinch (valid once the pinch has seen the event). */
  claims(event: PointerEvent): boolean;
  detach(): void;
}

interface Pinch {
  distance: number;
  mid: { x: number; y: number };
}

export function attachPinchZoom(element: HTMLDivElement, behavior: MapZoomBehavior, getTransform: () => ZoomTransform): PinchZoom {
  const touches = new Map<number, { x: number; y: number }>();
  let pinch: Pinch | null = null;
  const measure = (): Pinch => {
    const [a, b] = [...touches.values()];
    return { distance: Math.hypot(a.x - b.x, a.y - b.y), mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
  };
  const claims = (event: PointerEvent) => event.pointerType === 'touch' && touches.has(event.pointerId) && touches.size >= 2;

  const detach = listen(element, {
    pointerdown(event) {
      if (event.pointerType !== 'touch') return;
      touches.set(event.pointerId, pointerOnScreen(element, event));
      if (touches.size !== 2) return;
      pinch = measure();
      element.setPointerCapture(event.pointerId);
      event.preventDefault();
    },
    pointermove(event) {
      // A lone finger's place is kept up to date too: a second finger starts the pinch from it.
      if (event.pointerType !== 'touch' || !touches.has(event.pointerId)) return;
      touches.set(event.pointerId, pointerOnScreen(element, event));
      if (!pinch || touches.size !== 2) return;
      const next = measure();
      if (pinch.distance > 0 && next.distance > 0) {
        const k = getTransform().k;
        const selection = select(element);
        selection.call(behavior.translateBy, (next.mid.x - pinch.mid.x) / k, (next.mid.y - pinch.mid.y) / k);
        selection.call(behavior.scaleBy, next.distance / pinch.distance, [next.mid.x, next.mid.y]);
      }
      pinch = next;
    },
    pointerup: end,
    pointercancel: end,
  });
  function end(event: PointerEvent) {
    touches.delete(event.pointerId);
    if (touches.size < 2) pinch = null;
    releasePointer(element, event);
  }
  return { claims, detach };
}
