// Brushing: with "Select region" on, a drag draws a rectangle and selects the points inside.
import type { MapPoint, ScreenPoint } from '../../viz/spaces';
import { listen, pointerOnMap, releasePointer, type GestureElement, type ViewGetter } from './pointer';

export interface BrushSelectOptions {
  getView: ViewGetter;
  /** The rectangle shown while brushing; absent, the brush still selects. */
  rectangle: HTMLElement | null;
  isSelecting(): boolean;
  /** True when another gesture owns `event` (a pinch). */
  yieldsTo(event: PointerEvent): boolean;
  /** The region between two opposite corners was brushed. */
  select(a: MapPoint, b: MapPoint): void;
}

export interface BrushSelect {
  /** True between the press that starts a brush and its release. */
  active(): boolean;
  detach(): void;
}

export function attachBrushSelect(element: GestureElement, options: BrushSelectOptions): BrushSelect {
  const { getView, rectangle } = options;
  let start: ScreenPoint | null = null;
  const show = (a: ScreenPoint, b: ScreenPoint) => {
    if (!rectangle) return;
    rectangle.style.display = 'block';
    rectangle.style.left = `${Math.min(a.x, b.x)}px`;
    rectangle.style.top = `${Math.min(a.y, b.y)}px`;
    rectangle.style.width = `${Math.abs(a.x - b.x)}px`;
    rectangle.style.height = `${Math.abs(a.y - b.y)}px`;
  };

  const end = (event: PointerEvent) => {
    const at = start ? pointerOnMap(element, event, getView) : null;
    if (start && at) {
      const from = at.view.toMap(start);
      start = null;
      if (rectangle) rectangle.style.display = 'none';
      options.select(from, at.map);
    }
    releasePointer(element, event);
  };
  const detach = listen(element, {
    pointerdown(event) {
      if (options.yieldsTo(event) || event.button !== 0 || event.shiftKey || !options.isSelecting()) return;
      const at = pointerOnMap(element, event, getView);
      if (!at) return;
      start = at.screen;
      show(start, start);
      element.setPointerCapture(event.pointerId);
      event.preventDefault();
    },
    pointermove(event) {
      if (!start || options.yieldsTo(event)) return;
      const at = pointerOnMap(element, event, getView);
      if (at) show(start, at.screen);
    },
    pointerup: end,
    pointercancel: end,
  });
  return { active: () => start !== null, detach };
}
