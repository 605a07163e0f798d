// What one frame of the latent map shows (plain data), the elements it is drawn into, and the
// shape of a layer: one small function that draws one part of the scene through the view.
import type { DensityContours } from '../densityContours';
import type { MapView } from '../mapView';
import type { ScatterOptions } from '../scatterRenderer';
import type { SigmaEllipses } from '../sigmaEllipses';
import type { MapPoint } from '../spaces';

export interface MapScene {
  /** Map points as drawn this frame (x, y interleaved; mid-glide when a new map just arrived). */
  readonly points: Float32Array;
  /** One packed colour per point (see `packRgba`). */
  readonly colors: Uint32Array;
  /** The point the probe was picked up from, drawn larger; -1 when none. */
  readonly highlight: number;
  /** Density contours, or null when the map is not coloured by density. */
  readonly contours: DensityContours | null;
  /** The variational posterior's 1-sigma ellipses, or null when they are off. */
  readonly ellipses: SigmaEllipses | null;
  readonly probe: {
    readonly at: MapPoint;
    /** True where the probe's place means nothing (the pixels' PCA map is shown). */
    readonly hidden: boolean;
  };
}

/** Draws every point; `ScatterRenderer` is one. */
export interface PointsTarget {
  render(points: Float32Array, count: number, colors: Uint32Array, view: MapView, options: ScatterOptions): void;
}

/** The elements a scene is drawn into, made once per map element (only `pixelRatio` follows a resize). */
export interface MapSurfaces {
  readonly points: PointsTarget;
  /** The SVG overlay holding the `g.axis-x` and `g.axis-y` groups. */
  readonly axes: SVGSVGElement;
  readonly contours: SVGGElement | null;
  readonly ellipses: CanvasRenderingContext2D | null;
  readonly probe: HTMLElement;
  /** Device pixels per CSS pixel of the canvases' backing stores. */
  pixelRatio: number;
}

export type MapLayer = (scene: MapScene, view: MapView, surfaces: MapSurfaces) => void;
