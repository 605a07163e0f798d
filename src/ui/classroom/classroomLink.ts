// The classroom link: every setting of the current kind, the built-in dataset, the projection,
// the colouring, the palette, presenter mode, the lesson step, the hidden panels and the map's zoom.
import { DEFAULT_RAW_SETTINGS, KIND_FIELDS, type AnySettingField } from '../../model/validate';
import type { AutoencoderKind } from '../../model/spec';
import type { AppState, MapZoom } from '../../state/appState';
import type { LinkView, LinkZoom } from '../../state/linkView';
import { settingsToHash } from '../../state/urlState';

/** The settings every kind reads; each kind adds its own (KIND_FIELDS). */
const COMMON_FIELDS: readonly AnySettingField[] = ['kind', 'latentDim', 'hiddenSizes', 'activation', 'loss', 'learningRate', 'batchSize', 'epochs', 'seed'];

export function classroomHash(state: AppState): string {
  const kind = (state.rawSettings.kind ?? 'basic') as AutoencoderKind;
  const { classroom, colourBy } = state;
  const view: Partial<LinkView> = {
    colour: colourBy,
    palette: classroom.palette,
    presenter: classroom.presenter,
  };
  if (classroom.dataSource !== 'files') view.data = classroom.dataSource;
  if (classroom.lessonStep !== null) view.lesson = classroom.lessonStep;
  if (classroom.hidden.length > 0) view.hide = [...classroom.hidden];
  if (state.anomalyClass !== null) view.anomalyClass = state.anomalyClass;
  const zoom = linkZoom(state.mapZoom);
  if (zoom) view.zoom = zoom;
  return settingsToHash(state.rawSettings, DEFAULT_RAW_SETTINGS, {
    fields: [...COMMON_FIELDS, ...(KIND_FIELDS[kind] ?? [])],
    projection: state.projectionKind,
    view,
  });
}

/** The short hash kept in the address bar as things change: only what differs from a fresh page. */
export function liveHash(state: AppState): string {
  const { classroom, colourBy } = state;
  const view: Partial<LinkView> = {};
  if (classroom.dataSource !== 'files' && classroom.dataSource !== 'mnist') view.data = classroom.dataSource;
  if (colourBy.mode !== 'label') view.colour = colourBy;
  if (classroom.palette !== 'standard') view.palette = classroom.palette;
  if (classroom.presenter) view.presenter = true;
  if (classroom.lessonStep !== null) view.lesson = classroom.lessonStep;
  if (classroom.hidden.length > 0) view.hide = [...classroom.hidden];
  if (state.anomalyClass !== null) view.anomalyClass = state.anomalyClass;
  const projection = state.projectionKind === 'none' || (state.projectionKind === 'pca' && (state.applied?.spec.latentDim ?? 2) > 2) ? undefined : state.projectionKind;
  return settingsToHash(state.rawSettings, DEFAULT_RAW_SETTINGS, { projection, view });
}

/** The map's zoom as a link carries it (the pan as a share of the map), or null when not zoomed. */
export function linkZoom(zoom: MapZoom | null): LinkZoom | null {
  if (!zoom || !zoom.width || !zoom.height) return null;
  if (Math.abs(zoom.k - 1) < 1e-3 && Math.abs(zoom.x) < 0.5 && Math.abs(zoom.y) < 0.5) return null;
  return { k: zoom.k, x: zoom.x / zoom.width, y: zoom.y / zoom.height };
}
