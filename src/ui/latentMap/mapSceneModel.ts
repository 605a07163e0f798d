// Turns the app state into the map's scene and view for a frame: which map is shown, the glides
// towards its newest snapshot, colours, contours and ellipses; and finds the point under a position.
import { computeDensityContours, type DensityContours } from '../../viz/densityContours';
import { DomainGlide, PointGlide } from '../../viz/mapScene/glide';
import type { MapScene } from '../../viz/mapScene/mapScene';
import { PointIndex } from '../../viz/hitTest';
import { createMapView, type Margin, type MapView } from '../../viz/mapView';
import { mapPoint, type MapPoint } from '../../viz/spaces';
import type { ZoomTransform } from 'd3';
import type { AppState } from '../../state/appState';
import { createPointColourer } from './pointColours';

/** Points glide to their new places over this long when a new snapshot arrives. */
const MOVE_MS = 450;
const DOMAIN_MS = 500;
/** A press within this many CSS pixels of a point picks that point up. */
const PICK_RADIUS_PX = 7;

export interface MapSize {
  width: number;
  height: number;
}

export interface MapSceneModel {
  /** Takes in a new map or colouring from `state`; true when the scene changed. */
  update(state: AppState, now: number): boolean;
  /** True while points or axes are still gliding, so the next frame must be drawn. */
  animating(now: number): boolean;
  /** The scene and view to draw at `now`. */
  frame(state: AppState, now: number, size: MapSize, transform: ZoomTransform): { scene: MapScene; view: MapView };
  /** Index of the shown point within the pick radius of `at`, or -1. */
  pointNear(at: MapPoint, view: MapView): number;
  /** The newest snapshot's points (where a glide ends). */
  targetPoints(): Float32Array;
  /** Forgets the domain and the glide, so the next frame lays the map out afresh (after a resize). */
  forgetLayout(): void;
}

export function createMapSceneModel(margin: Margin): MapSceneModel {
  const points = new PointGlide(MOVE_MS);
  const domain = new DomainGlide(DOMAIN_MS);
  const colourer = createPointColourer();
  let shownMap: AppState['map'] = null;
  // Built on the first pointer query after a new map, not in the frame that receives the map
  // (a quadtree of 70,000 points takes tens of milliseconds).
  let index: PointIndex | null = null;
  let indexFor: Float32Array | null = null;
  // Computed once per map in a fixed frame; the layer places them each frame.
  let contours: DensityContours | null = null;
  let contoursFor: AppState['map'] = null;

  const takeSnapshot = (state: AppState, now: number): boolean => {
    // The raw pixels' PCA map (Applications, `Show PCA map`) takes the latent map's place.
    const map = state.pixelPcaMap ?? state.map;
    if (map === shownMap) return false;
    shownMap = map;
    if (!map) {
      points.clear();
      index = null;
      indexFor = null;
      return true;
    }
    points.retarget(map.points, map.jump, now);
    domain.follow(map.points, map.count, now);
    return true;
  };

  const densityContours = (state: AppState): DensityContours | null => {
    if (state.colourBy.mode !== 'density' || !state.map || !domain.target) {
      contours = null;
      contoursFor = null;
      return null;
    }
    if (contoursFor !== state.map) {
      contoursFor = state.map;
      contours = computeDensityContours(state.map.points, state.map.count, domain.target);
    }
    return contours;
  };

  return {
    update(state, now) {
      const moved = takeSnapshot(state, now);
      const recoloured = colourer.update(state);
      return moved || recoloured;
    },
    animating(now) {
      return points.moving(now) || domain.animating();
    },
    frame(state, now, size, transform) {
      const drawn = points.pointsAt(now);
      const view = createMapView({ width: size.width, height: size.height, margin, domain: domain.at(now), transform });
      const { probe, latents } = state;
      // Variational kind: each held-out mean's 1-sigma ellipse (axis-aligned: the posterior is diagonal).
      const ellipses =
        state.showEllipses && latents?.logVar && latents.latentDim === 2 && state.projectionKind === 'none' && state.dataset
          ? { points: drawn, logVar: latents.logVar, indices: state.dataset.split.heldOut }
          : null;
      const scene: MapScene = {
        points: drawn,
        colors: colourer.colors,
        highlight: probe.sourceIndex,
        contours: densityContours(state),
        ellipses,
        probe: { at: mapPoint(probe.x, probe.y), hidden: state.pixelPcaMap !== null },
      };
      return { scene, view };
    },
    pointNear(at, view) {
      const target = points.target;
      if (target.length === 0) return -1;
      if (indexFor !== target) {
        index = new PointIndex(target, target.length / 2);
        indexFor = target;
      }
      return index?.nearest(at, PICK_RADIUS_PX / view.pixelsPerUnit) ?? -1;
    },
    targetPoints: () => points.target,
    forgetLayout() {
      shownMap = null;
      points.clear();
      domain.reset();
      index = null;
      indexFor = null;
      contours = null;
      contoursFor = null;
    },
  };
}
