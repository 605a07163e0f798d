// Zoom and pan: the wheel always zooms; dragging pans only with Shift or the middle button, since a
// plain drag moves the probe. Also the zoom buttons, and a kept zoom brought back at another size.
import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { MapZoom } from '../../state/appState';
import type { MapSize } from './mapSceneModel';

export type MapZoomBehavior = ZoomBehavior<HTMLDivElement, unknown>;

declare global {
  interface HTMLDivElement {
    __zoom?: ZoomTransform;
  }
}

const SCALE_EXTENT: [number, number] = [0.5, 64];

export function createZoomPan(onZoom: (transform: ZoomTransform) => void): MapZoomBehavior {
  return zoom<HTMLDivElement, unknown>()
    .scaleExtent(SCALE_EXTENT)
    .filter((event: MouseEvent | WheelEvent) => event.type === 'wheel' || event.shiftKey || event.button === 1)
    .on('zoom', (event: { transform: ZoomTransform }) => onZoom(event.transform));
}

/** Listens for wheel and pan on `element` (a double click does not zoom); returns the detach function. */
export function attachZoomPan(element: HTMLDivElement, behavior: MapZoomBehavior): () => void {
  const selection = select(element).call(behavior).on('dblclick.zoom', null);
  return () => {
    selection.on('.zoom', null);
  };
}

/** Sets the zoom state without a zoom event (the view is already drawn from `transform`). */
export function placeZoom(element: HTMLDivElement, transform: ZoomTransform): void {
  element.__zoom = transform;
}

export function zoomTo(element: HTMLDivElement, behavior: MapZoomBehavior, transform: ZoomTransform): void {
  select(element).call(behavior.transform, transform);
}

export function zoomBy(element: HTMLDivElement, behavior: MapZoomBehavior, factor: number): void {
  select(element).transition().duration(250).call(behavior.scaleBy, factor);
}

export function resetZoom(element: HTMLDivElement, behavior: MapZoomBehavior): void {
  select(element).transition().duration(300).call(behavior.transform, zoomIdentity);
}

/** A kept zoom as a d3 transform for a map of `size`: the pan scales with the map's size. */
export function transformFor(kept: MapZoom | null, size: MapSize): ZoomTransform {
  if (!kept) return zoomIdentity;
  const scaleX = kept.width ? size.width / kept.width : 1;
  const scaleY = kept.height ? size.height / kept.height : 1;
  return zoomIdentity.translate(kept.x * scaleX, kept.y * scaleY).scale(kept.k);
}
