// What the map showed when a session was saved: projection, colouring, zoom and the probe.
// It lives with the app's state so that state/ never needs saved/ (saved/ builds on state/).
import type { ProjectionKind } from '../latent/projection';
import type { ColourMode } from '../viz/pointColouring';
import type { MapZoom } from './appState';

/** The map view a saved session restores; the probe keeps its full code, not only its position. */
export interface SessionView {
  projection: ProjectionKind;
  colourBy: { mode: ColourMode; dimension: number; factor: string };
  zoom: MapZoom | null;
  probe: { x: number; y: number; sourceIndex: number; code: number[] | null };
}
