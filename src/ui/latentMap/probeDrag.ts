// Dragging on the map moves the probe; a press near a data point picks that point up.
import type { MapView } from '../../viz/mapView';
import type { MapPoint } from '../../viz/spaces';
import { listen, pointerOnMap, releasePointer, type GestureElement, type ViewGetter } from './pointer';

export interface ProbeDragOptions {
  getView: ViewGetter;
  /** True when another gesture owns `event` (a pinch, a brush); a second finger ends a drag. */
  yieldsTo(event: PointerEvent): boolean;
  /** A press at `at`; returns true when the probe should follow the pointer until it is released. */
  press(at: MapPoint, view: MapView): boolean;
  dragTo(at: MapPoint): void;
  /** A drag began (the hover card gives way to it). */
  onDragStart(): void;
}

export interface ProbeDrag {
  active(): boolean;
  detach(): void;
}

export function attachProbeDrag(element: GestureElement, options: ProbeDragOptions): ProbeDrag {
  const { getView } = options;
  let dragging = false;
  const end = (event: PointerEvent) => {
    dragging = false;
    releasePointer(element, event);
  };
  const detach = listen(element, {
    pointerdown(event) {
      if (options.yieldsTo(event)) {
        dragging = false;
        return;
      }
      if (event.button !== 0 || event.shiftKey) return;
      const at = pointerOnMap(element, event, getView);
      if (!at) return;
      event.preventDefault();
      if (!options.press(at.map, at.view)) return;
      dragging = true;
      element.setPointerCapture(event.pointerId);
      options.onDragStart();
    },
    pointermove(event) {
      if (!dragging || options.yieldsTo(event)) return;
      const at = pointerOnMap(element, event, getView);
      if (at) options.dragTo(at.map);
    },
    pointerup: end,
    pointercancel: end,
  });
  return { active: () => dragging, detach };
}
