// How the page is shown to a class: presenter mode, the lesson step, hidden panels, the palette
// and which built-in dataset is loaded. Plain data, carried in links and set by lesson steps.

/** The panels a link or presenter mode can hide, by the names used in `hide=...`. */
export const PANEL_NAMES = [
  'training',
  'progress',
  'data',
  'settings',
  'backend',
  'legend',
  'walks',
  'decoded',
  'reconstructions',
  'loss',
  'kind',
  'histogram',
  'prior',
  'draw',
  'applications',
  'compare',
  'sessions',
] as const;
export type PanelName = (typeof PANEL_NAMES)[number];

/** The class palettes: the default Tableau 10, and Okabe-Ito (safe for the common colour-vision deficiencies). */
export const PALETTES = ['standard', 'colour-blind'] as const;
export type PaletteName = (typeof PALETTES)[number];

/** The built-in datasets, by their names in links and in the Dataset picker. */
export const BUILT_IN_DATASETS = ['mnist', 'shapes', 'shapes-rgb', 'emoji'] as const;
export type BuiltInDatasetName = (typeof BUILT_IN_DATASETS)[number];
/** What is loaded: a built-in set, or the user's own files. */
export type DataSource = BuiltInDatasetName | 'files';

export interface ClassroomView {
  presenter: boolean;
  /** The open lesson step (0-based), or null when the lesson is closed. */
  lessonStep: number | null;
  /** Panels hidden by the link, whatever the mode. */
  hidden: readonly PanelName[];
  palette: PaletteName;
  dataSource: DataSource;
}

export const DEFAULT_CLASSROOM: ClassroomView = {
  presenter: false,
  lessonStep: null,
  hidden: [],
  palette: 'standard',
  dataSource: 'mnist',
};

/** Panels shown in presenter mode when no lesson step says otherwise: the ones a class watches. */
export const PRESENTER_PANELS: readonly PanelName[] = ['training', 'progress', 'legend', 'decoded', 'loss'];
