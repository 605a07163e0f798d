// What a press on the map does to the probe: on a data point it picks that point up, on empty
// space the probe jumps there; on the pixels' PCA map only a point counts, and nothing is dragged.
import type { MapPoint } from '../../viz/spaces';
import type { AppState, ProbeState } from '../../state/appState';

export interface ProbePress {
  /** Where the probe goes, or null when it stays. */
  probe: ProbeState | null;
  /** True when the probe then follows the pointer until release. */
  drag: boolean;
}

/** `picked`: the shown point within reach of the press (-1: none); `shownPoints`: the shown map's points. */
export function probePress(state: AppState, at: MapPoint, picked: number, shownPoints: Float32Array): ProbePress {
  if (state.pixelPcaMap) {
    // The pixels' PCA map has no decoder of this model behind it: a press on an image decodes
    // that image's own code (the probe goes to its place on the latent map); empty space does nothing.
    const latentMap = state.map;
    if (picked >= 0 && latentMap && picked < latentMap.count) {
      return { probe: { x: latentMap.points[2 * picked], y: latentMap.points[2 * picked + 1], sourceIndex: picked }, drag: false };
    }
    return { probe: null, drag: false };
  }
  if (picked >= 0) return { probe: { x: shownPoints[2 * picked], y: shownPoints[2 * picked + 1], sourceIndex: picked }, drag: true };
  return { probe: { x: at.x, y: at.y, sourceIndex: -1 }, drag: true };
}
