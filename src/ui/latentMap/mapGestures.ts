// Attaches every gesture of the map to its element, once: zoom and pan, pinch, brush, probe drag
// and hover. Each reads the view when an event comes, so a resize re-attaches nothing. A new
// gesture is one more module beside these, attached here in its place in the order below.
import type { ZoomTransform } from 'd3';
import type { MapView } from '../../viz/mapView';
import type { MapPoint } from '../../viz/spaces';
import { attachBrushSelect } from './brushSelect';
import { attachHoverPoint, type HoverPointOptions } from './hoverPoint';
import { attachPinchZoom } from './pinchZoom';
import type { ViewGetter } from './pointer';
import { attachProbeDrag } from './probeDrag';
import { attachZoomPan, type MapZoomBehavior } from './zoomPan';

export interface MapGestureOptions {
  getView: ViewGetter;
  zoom: MapZoomBehavior;
  getTransform(): ZoomTransform;
  brushRectangle: HTMLElement | null;
  isSelecting(): boolean;
  selectRegion(a: MapPoint, b: MapPoint): void;
  pointNear(at: MapPoint, view: MapView): number;
  /** A press on the map (not brushing); returns true when the probe should follow the pointer. */
  pressProbe(at: MapPoint, view: MapView): boolean;
  dragProbe(at: MapPoint): void;
  setHover: HoverPointOptions['setHover'];
}

/** Returns the function that detaches them all. */
export function attachMapGestures(element: HTMLDivElement, options: MapGestureOptions): () => void {
  const { getView } = options;
  // Listeners of one event run in the order they were added: the pinch sees a touch first, then
  // the brush, then the probe drag, and hover last, each leaving alone what an earlier one owns.
  const detachZoom = attachZoomPan(element, options.zoom);
  const pinch = attachPinchZoom(element, options.zoom, options.getTransform);
  const brush = attachBrushSelect(element, {
    getView,
    rectangle: options.brushRectangle,
    isSelecting: options.isSelecting,
    yieldsTo: pinch.claims,
    select: options.selectRegion,
  });
  const drag = attachProbeDrag(element, {
    getView,
    yieldsTo: (event) => pinch.claims(event) || brush.active() || options.isSelecting(),
    press: options.pressProbe,
    dragTo: options.dragProbe,
    onDragStart: () => options.setHover(null),
  });
  const detachHover = attachHoverPoint(element, {
    getView,
    yieldsTo: (event) => pinch.claims(event) || brush.active() || drag.active(),
    pointNear: options.pointNear,
    setHover: options.setHover,
  });
  return () => {
    detachZoom();
    pinch.detach();
    brush.detach();
    drag.detach();
    detachHover();
  };
}
