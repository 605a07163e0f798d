// Tells the store which part of the map is on screen (the manifold grid draws it), at most five
// times a second, and always the final region once the view stops changing.
import type { MapView } from '../../viz/mapView';
import { screenPoint } from '../../viz/spaces';
import type { ViewRegion } from '../../state/appState';

const MIN_INTERVAL_MS = 200;

/** Returns a function to call after each drawn frame; it returns true when the frame after must be drawn to report again. */
export function createRegionReporter(report: (region: ViewRegion) => void): (view: MapView, now: number) => boolean {
  let reported = '';
  let reportedAt = 0;
  return (view, now) => {
    const area = view.plotArea;
    const topLeft = view.toMap(screenPoint(area.left, area.top));
    const bottomRight = view.toMap(screenPoint(area.left + area.width, area.top + area.height));
    const region = { x: [topLeft.x, bottomRight.x] as const, y: [bottomRight.y, topLeft.y] as const };
    const key = [...region.x, ...region.y].map((v) => v.toPrecision(4)).join(',');
    if (key === reported) return false;
    if (now - reportedAt < MIN_INTERVAL_MS) return true; // try again next frame, so the final region is always reported
    reported = key;
    reportedAt = now;
    report(region);
    return false;
  };
}
