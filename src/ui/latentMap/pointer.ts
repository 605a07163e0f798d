// What every map gesture shares: where a pointer is on the map element, and the view it reads
// at event time (never one captured when the gesture was attached, so a resize needs no re-attach).
import type { MapView } from '../../viz/mapView';
import { screenPoint, type MapPoint, type ScreenPoint } from '../../viz/spaces';

/** The element gestures listen on: the parts of an HTMLElement they use. */
export type GestureElement = Pick<
  HTMLElement,
  'addEventListener' | 'removeEventListener' | 'getBoundingClientRect' | 'setPointerCapture' | 'hasPointerCapture' | 'releasePointerCapture'
>;

/** The view of the last drawn frame; null before the first. */
export type ViewGetter = () => MapView | null;

export function pointerOnScreen(element: GestureElement, event: PointerEvent): ScreenPoint {
  const rect = element.getBoundingClientRect();
  return screenPoint(event.clientX - rect.left, event.clientY - rect.top);
}

/** The pointer on screen and on the map, or null while nothing has been drawn. */
export function pointerOnMap(element: GestureElement, event: PointerEvent, getView: ViewGetter): { screen: ScreenPoint; map: MapPoint; view: MapView } | null {
  const view = getView();
  if (!view) return null;
  const screen = pointerOnScreen(element, event);
  return { screen, map: view.toMap(screen), view };
}

/** Registers `listeners` on `element`; returns the function that removes them all. */
export function listen(element: GestureElement, listeners: Partial<Record<'pointerdown' | 'pointermove' | 'pointerup' | 'pointercancel' | 'pointerleave', (event: PointerEvent) => void>>): () => void {
  const entries = Object.entries(listeners) as [keyof HTMLElementEventMap, (event: PointerEvent) => void][];
  for (const [type, listener] of entries) element.addEventListener(type, listener as EventListener);
  return () => {
    for (const [type, listener] of entries) element.removeEventListener(type, listener as EventListener);
  };
}

export function releasePointer(element: GestureElement, event: PointerEvent): void {
  if (element.hasPointerCapture(event.pointerId)) element.releasePointerCapture(event.pointerId);
}
