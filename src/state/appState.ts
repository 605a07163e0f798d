// The app's whole state as plain data, the actions that change it, and the reducer.
// Worker events and UI events both arrive here as actions; nothing else mutates state.
import type { DataSplit, ImageShape } from '../data/dataset';
import type { ExperimentConfig } from '../model/spec';
import type { AnySettingField, RawSettings } from '../model/validate';
import type { BackendChoice, BackendName, BackendReport, ProgressFigures, TrainerStatus } from '../train/protocol';
import type { ProjectionKind } from '../latent/projection';
import type { ProjectionStatus } from './mapBuilder';
import type { ColourMode } from '../viz/pointColouring';
import { DEFAULT_CLASSROOM, type ClassroomView } from '../lesson/classroom';

export interface DatasetInfo {
  name: string;
  count: number;
  shape: ImageShape;
  classNames: string[];
  labels: Uint8Array;
  /** Pixels 0..255 of every image, kept on the main thread for hover previews and originals. */
  images: Uint8Array;
  /** Known generating factors per image (generated sets), for colouring the map. */
  factors?: Record<string, Float32Array>;
  split: DataSplit;
}

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export interface LossPoint {
  epoch: number;
  train: number;
  heldOut: number;
  /** Each loss term by name (`total` included), averaged over the epoch's batches. */
  trainTerms?: Record<string, number>;
  heldOutTerms?: Record<string, number>;
}

export interface LatentSnapshot {
  /** Row i = code of dataset image i. */
  codes: Float32Array;
  latentDim: number;
  globalStep: number;
  /** Variational kind: each code unit's log-variance (same layout as `codes`). */
  logVar?: Float32Array;
}

export interface MapSnapshot {
  points: Float32Array;
  count: number;
  /** Axis titles for this map, e.g. "PC 1 (34% of variance)". */
  axisNames: readonly [string, string];
  /** True for the first map of a new model: points appear in place instead of gliding from the old model's. */
  jump: boolean;
}

/** The probe's position in map coordinates, and the data point it was picked up from, if any. */
export interface ProbeState {
  x: number;
  y: number;
  sourceIndex: number;
  /**
   * A code set directly (latent sliders, random code), which the map position only approximates
   * for projected maps; null when the code follows from the map position.
   */
  code?: Float32Array | null;
}

/** The part of the map currently on screen, in map units. */
export interface ViewRegion {
  x: readonly [number, number];
  y: readonly [number, number];
}

export interface AppState {
  dataset: DatasetInfo | null;
  datasetError: string | null;
  rawSettings: RawSettings;
  fieldErrors: Partial<Record<AnySettingField, string>>;
  /** The configuration the current model was built with. */
  applied: ExperimentConfig | null;
  status: TrainerStatus;
  backend: { chosen: BackendName; reports: BackendReport[]; how: BackendChoice } | null;
  progress: ProgressFigures | null;
  losses: LossPoint[];
  latents: LatentSnapshot | null;
  /** The latents as map points (x, y interleaved), in dataset order. */
  map: MapSnapshot | null;
  /** The projection the user chose, and what the one on screen is doing. */
  projectionKind: ProjectionKind;
  projectionStatus: ProjectionStatus;
  knnAccuracy: number | null;
  reconstructions: { indices: Int32Array; pixels: Float32Array; noisy?: Float32Array } | null;
  /** Code-layer outputs of the held-out images (sparse kind), for the activation histogram. */
  codeActivations: { values: Float32Array; latentDim: number } | null;
  probe: ProbeState;
  viewRegion: ViewRegion | null;
  /** How the map's points are coloured; `dimension` is used by the 'dimension' mode. */
  colourBy: { mode: ColourMode; dimension: number; factor: string };
  /** Variational kind: draw each held-out code's 1-sigma ellipse on the map. */
  showEllipses: boolean;
  /** Indices of the images inside the region the user brushed on the map, or null. */
  selection: Int32Array | null;
  /** The PCA map of the raw pixels, drawn in the latent map's place while `Show PCA map` is on. */
  pixelPcaMap: MapSnapshot | null;
  /** The class the model trains without (`Hold out a class`), whose held-out images are the anomalies. */
  anomalyClass: number | null;
  /** Each image's reconstruction error, while the map is coloured by it. */
  reconstructionErrors: Float32Array | null;
  /** Bumped when the main-thread decoder gets new weights, so the decoded image is redrawn. */
  decoderVersion: number;
  /** The map's zoom and pan (d3 transform), as the map last reported it; null before any. */
  mapZoom: MapZoom | null;
  /** A zoom the map should take (a resumed session's); `id` tells one request from the next. */
  zoomRequest: { zoom: MapZoom; id: number } | null;
  notices: Notice[];
  /** Presenter mode, lesson step, hidden panels, palette, loaded built-in set (see classroom.ts). */
  classroom: ClassroomView;
}

/** A d3 zoom transform: scale k, then translate by (x, y) screen pixels. */
export interface MapZoom {
  k: number;
  x: number;
  y: number;
  /**
   * The map's size in CSS pixels when (x, y) was measured, so a map of another size pans by the
   * same share of itself (a link on another screen). Left out: (x, y) are taken as they are.
   */
  width?: number;
  height?: number;
}

export type Action =
  | { type: 'settings-replaced'; rawSettings: RawSettings }
  | { type: 'losses-restored'; losses: LossPoint[] }
  | { type: 'map-zoomed'; zoom: MapZoom }
  | { type: 'zoom-requested'; zoom: MapZoom }
  | { type: 'dataset-loaded'; dataset: DatasetInfo }
  | { type: 'dataset-failed'; message: string }
  | { type: 'setting-edited'; field: AnySettingField; value: string }
  | { type: 'field-errors'; errors: Partial<Record<AnySettingField, string>> }
  | { type: 'config-applied'; config: ExperimentConfig }
  | { type: 'status'; status: TrainerStatus }
  | { type: 'backends'; chosen: BackendName; reports: BackendReport[]; how: BackendChoice }
  | { type: 'progress'; figures: ProgressFigures }
  | { type: 'epoch-end'; point: LossPoint }
  | { type: 'latents'; snapshot: LatentSnapshot; map: MapSnapshot; knnAccuracy: number | null }
  /** The held-out kNN score of `map`, scored after it was shown; dropped if another map replaced it. */
  | { type: 'knn-scored'; map: MapSnapshot; knnAccuracy: number | null }
  | { type: 'reconstructions'; indices: Int32Array; pixels: Float32Array; noisy?: Float32Array }
  | { type: 'code-activations'; values: Float32Array; latentDim: number }
  | { type: 'probe-moved'; probe: ProbeState }
  | { type: 'decoder-updated'; version: number }
  | { type: 'projection-kind'; kind: ProjectionKind }
  | { type: 'view-region'; region: ViewRegion }
  | { type: 'colour-by'; mode: ColourMode; dimension: number; factor: string }
  | { type: 'selection'; indices: Int32Array | null }
  | { type: 'pixel-pca-map'; map: MapSnapshot | null }
  | { type: 'anomaly-class'; label: number | null }
  | { type: 'show-ellipses'; on: boolean }
  | { type: 'reconstruction-errors'; errors: Float32Array | null }
  | { type: 'projection-status'; status: ProjectionStatus }
  | { type: 'notice'; kind: Notice['kind']; text: string }
  | { type: 'notice-dismissed'; id: number }
  | { type: 'classroom'; patch: Partial<ClassroomView> };

export function initialState(rawSettings: RawSettings): AppState {
  return {
    dataset: null,
    datasetError: null,
    rawSettings,
    fieldErrors: {},
    applied: null,
    status: 'idle',
    backend: null,
    progress: null,
    losses: [],
    latents: null,
    map: null,
    projectionKind: 'none',
    projectionStatus: { kind: 'none', activity: null, progress: null },
    knnAccuracy: null,
    reconstructions: null,
    codeActivations: null,
    probe: { x: 0, y: 0, sourceIndex: -1 },
    decoderVersion: 0,
    mapZoom: null,
    zoomRequest: null,
    viewRegion: null,
    colourBy: { mode: 'label', dimension: 0, factor: '' },
    selection: null,
    pixelPcaMap: null,
    anomalyClass: null,
    showEllipses: false,
    reconstructionErrors: null,
    notices: [],
    classroom: DEFAULT_CLASSROOM,
  };
}

let nextNoticeId = 1;
const MAX_NOTICES = 4;

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'dataset-loaded': {
      // Factor colouring only makes sense for a set that has that factor.
      const keepsFactor = state.colourBy.mode !== 'factor' || Boolean(action.dataset.factors?.[state.colourBy.factor]);
      return { ...state, dataset: action.dataset, datasetError: null, colourBy: keepsFactor ? state.colourBy : { ...state.colourBy, mode: 'label' } };
    }
    case 'dataset-failed':
      return { ...state, datasetError: action.message };
    case 'setting-edited':
      return { ...state, rawSettings: { ...state.rawSettings, [action.field]: action.value } };
    case 'field-errors':
      return { ...state, fieldErrors: action.errors };
    case 'config-applied':
      // A new model: its history starts empty, and nothing can be trained until the worker has
      // built it (its own status events follow), so Train is not offered on the old one meanwhile.
      return {
        ...state,
        status: 'preparing',
        applied: action.config,
        fieldErrors: {},
        progress: null,
        losses: [],
        latents: null,
        map: null,
        knnAccuracy: null,
        reconstructions: null,
        codeActivations: null,
        selection: null,
        pixelPcaMap: null,
        reconstructionErrors: null,
      };
    case 'status':
      return { ...state, status: action.status };
    case 'backends':
      return { ...state, backend: { chosen: action.chosen, reports: action.reports, how: action.how } };
    case 'progress':
      return { ...state, progress: action.figures };
    case 'epoch-end': {
      const kept = state.losses.filter((point) => point.epoch < action.point.epoch);
      return { ...state, losses: [...kept, action.point] };
    }
    case 'latents':
      return { ...state, latents: action.snapshot, map: action.map, knnAccuracy: action.knnAccuracy };
    case 'knn-scored':
      return state.map === action.map ? { ...state, knnAccuracy: action.knnAccuracy } : state;
    case 'reconstructions':
      return { ...state, reconstructions: { indices: action.indices, pixels: action.pixels, noisy: action.noisy } };
    case 'code-activations':
      return { ...state, codeActivations: { values: action.values, latentDim: action.latentDim } };
    case 'probe-moved':
      return { ...state, probe: action.probe };
    case 'colour-by':
      return { ...state, colourBy: { mode: action.mode, dimension: action.dimension, factor: action.factor } };
    case 'reconstruction-errors':
      return { ...state, reconstructionErrors: action.errors };
    case 'show-ellipses':
      return { ...state, showEllipses: action.on };
    case 'pixel-pca-map':
      return { ...state, pixelPcaMap: action.map };
    case 'anomaly-class':
      return { ...state, anomalyClass: action.label };
    case 'selection':
      return { ...state, selection: action.indices };
    case 'view-region':
      return { ...state, viewRegion: action.region };
    case 'projection-kind':
      return { ...state, projectionKind: action.kind };
    case 'projection-status':
      return { ...state, projectionStatus: action.status };
    case 'decoder-updated':
      return { ...state, decoderVersion: action.version };
    case 'settings-replaced':
      return { ...state, rawSettings: action.rawSettings, fieldErrors: {} };
    case 'losses-restored':
      return { ...state, losses: action.losses };
    case 'map-zoomed':
      return { ...state, mapZoom: action.zoom };
    case 'zoom-requested':
      return { ...state, zoomRequest: { zoom: action.zoom, id: (state.zoomRequest?.id ?? 0) + 1 } };
    case 'notice': {
      const notice: Notice = { id: nextNoticeId++, kind: action.kind, text: action.text };
      return { ...state, notices: [...state.notices, notice].slice(-MAX_NOTICES) };
    }
    case 'notice-dismissed':
      return { ...state, notices: state.notices.filter((notice) => notice.id !== action.id) };
    case 'classroom':
      return { ...state, classroom: { ...state.classroom, ...action.patch } };
  }
}
