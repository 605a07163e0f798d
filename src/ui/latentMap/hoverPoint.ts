// Hovering near a point shows its image and label in a card beside the pointer.
import type { ScreenPoint } from '../../viz/spaces';
import type { MapView } from '../../viz/mapView';
import type { MapPoint } from '../../viz/spaces';
import { listen, pointerOnMap, type GestureElement, type ViewGetter } from './pointer';

export interface HoveredPoint {
  index: number;
  /** Where the pointer found it, CSS pixels from the map element's top-left. */
  left: number;
  top: number;
}

type HoverUpdate = HoveredPoint | null | ((previous: HoveredPoint | null) => HoveredPoint | null);

export interface HoverPointOptions {
  getView: ViewGetter;
  /** True when another gesture owns `event` (a pinch, a brush, a probe drag). */
  yieldsTo(event: PointerEvent): boolean;
  pointNear(at: MapPoint, view: MapView): number;
  /** Receives the new hover, or a function of the previous one (a React state setter fits). */
  setHover(update: HoverUpdate): void;
}

/** The hover after the pointer found point `found` (-1: none) at `screen`; the same object when nothing changed. */
export function nextHover(previous: HoveredPoint | null, found: number, screen: ScreenPoint): HoveredPoint | null {
  if (found < 0) return previous === null ? previous : null;
  if (previous && previous.index === found) return previous;
  return { index: found, left: screen.x, top: screen.y };
}

export function attachHoverPoint(element: GestureElement, options: HoverPointOptions): () => void {
  return listen(element, {
    pointermove(event) {
      if (options.yieldsTo(event)) return;
      const at = pointerOnMap(element, event, options.getView);
      if (!at) return;
      const found = options.pointNear(at.map, at.view);
      options.setHover((previous) => nextHover(previous, found, at.screen));
    },
    pointerleave() {
      options.setHover(null);
    },
  });
}
