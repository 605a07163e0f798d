// The link's view keys beyond the model settings: dataset, colouring, palette, presenter mode,
// lesson step, hidden panels, the held-out anomaly class and the map's zoom. One row per key, each parsing its text or saying why not, and
// writing its value back, so a new key is one more row.
import { BUILT_IN_DATASETS, PALETTES, PANEL_NAMES, type BuiltInDatasetName, type PaletteName, type PanelName } from '../lesson/classroom';
import { LESSON_STEPS } from '../lesson/steps';
import type { ColourMode } from '../viz/pointColouring';

/** How the map is coloured, as the link carries it. */
export interface LinkColour {
  mode: ColourMode;
  /** 0-based latent dimension (mode 'dimension'). */
  dimension: number;
  /** Generating factor (mode 'factor'). */
  factor: string;
}

/** Everything a link may say about the view. A key left out of a link leaves that part as it is. */
export interface LinkView {
  data: BuiltInDatasetName;
  colour: LinkColour;
  palette: PaletteName;
  presenter: boolean;
  /** 0-based lesson step. */
  lesson: number;
  hide: PanelName[];
  /** The class held out of training for anomaly detection (a class index). */
  anomalyClass: number;
  /** The map's zoom: scale k, and the pan as a share of the map's width and height (any screen). */
  zoom: LinkZoom;
}

export interface LinkZoom {
  k: number;
  /** Pan across, as a share of the map's width. */
  x: number;
  /** Pan down, as a share of the map's height. */
  y: number;
}

/** The map's zoom range (as the map allows it). */
const ZOOM_RANGE = [0.5, 64] as const;

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

interface LinkRow<T> {
  parse(text: string): Parsed<T>;
  write(value: T): string;
}

function oneOf<T extends string>(what: string, allowed: readonly T[]): LinkRow<T> {
  return {
    parse: (text) =>
      (allowed as readonly string[]).includes(text)
        ? { ok: true, value: text as T }
        : { ok: false, problem: `The link's ${what} "${text}" is unknown (use one of ${allowed.join(', ')}).` },
    write: (value) => value,
  };
}

export const LINK_VIEW_ROWS: { [Key in keyof LinkView]: LinkRow<LinkView[Key]> } = {
  data: oneOf('data', BUILT_IN_DATASETS),
  palette: oneOf('palette', PALETTES),
  colour: {
    // "label", "error", "density", "z3" (a latent dimension, 1-based) or "factor:scale".
    parse(text) {
      const dimension = /^z(\d+)$/.exec(text);
      if (dimension && Number(dimension[1]) >= 1) return { ok: true, value: { mode: 'dimension', dimension: Number(dimension[1]) - 1, factor: '' } };
      if (text.startsWith('factor:') && text.length > 7) return { ok: true, value: { mode: 'factor', dimension: 0, factor: text.slice(7) } };
      if (text === 'label' || text === 'error' || text === 'density') return { ok: true, value: { mode: text, dimension: 0, factor: '' } };
      return { ok: false, problem: `The link's colour "${text}" is unknown (use label, error, density, z1, z2, … or factor:NAME).` };
    },
    write: (value) => (value.mode === 'dimension' ? `z${value.dimension + 1}` : value.mode === 'factor' ? `factor:${value.factor}` : value.mode),
  },
  presenter: {
    parse: (text) => (text === '1' || text === '0' ? { ok: true, value: text === '1' } : { ok: false, problem: `The link's presenter "${text}" must be 1 or 0.` }),
    write: (value) => (value ? '1' : '0'),
  },
  lesson: {
    parse(text) {
      const step = Number(text);
      return /^\d+$/.test(text) && step >= 1 && step <= LESSON_STEPS.length
        ? { ok: true, value: step - 1 }
        : { ok: false, problem: `The link's lesson "${text}" is not a step (use 1 to ${LESSON_STEPS.length}).` };
    },
    write: (value) => String(value + 1),
  },
  anomalyClass: {
    parse: (text) =>
      /^\d{1,3}$/.test(text) && Number(text) <= 255
        ? { ok: true, value: Number(text) }
        : { ok: false, problem: `The link's anomalyClass "${text}" is not a class number (use 0, 1, 2, …).` },
    write: (value) => String(value),
  },
  zoom: {
    // "k,x,y": "2,-0.5,-0.25" is twice as close, panned left by half the map and up by a quarter.
    parse(text) {
      const parts = text.split(',');
      const numbers = parts.map((part) => (/^-?\d+(\.\d+)?$/.test(part.trim()) ? Number(part) : NaN));
      const [k, x, y] = numbers;
      if (parts.length !== 3 || numbers.some((value) => !Number.isFinite(value))) {
        return { ok: false, problem: `The link's zoom "${text}" must be three numbers: scale, pan across and pan down (as in 2,-0.5,-0.25).` };
      }
      if (k < ZOOM_RANGE[0] || k > ZOOM_RANGE[1]) return { ok: false, problem: `The link's zoom scale ${k} is outside ${ZOOM_RANGE[0]} to ${ZOOM_RANGE[1]}.` };
      if (Math.abs(x) > 2 * k || Math.abs(y) > 2 * k) return { ok: false, problem: `The link's zoom pans the map out of sight (${x}, ${y}).` };
      return { ok: true, value: { k, x, y } };
    },
    write: (value) => [Number(value.k.toFixed(3)), Number(value.x.toFixed(4)), Number(value.y.toFixed(4))].join(','),
  },
  hide: {
    parse(text) {
      const names = text.split(',').map((name) => name.trim()).filter(Boolean);
      const unknown = names.filter((name) => !(PANEL_NAMES as readonly string[]).includes(name));
      if (unknown.length > 0) return { ok: false, problem: `The link hides unknown panels ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${PANEL_NAMES.join(', ')}).` };
      return { ok: true, value: names as PanelName[] };
    },
    write: (value) => value.join(','),
  },
};

/** Read one view key, or null when `key` is not a view key. */
export function readViewKey(key: string, text: string): { key: keyof LinkView; parsed: Parsed<unknown> } | null {
  if (!Object.hasOwn(LINK_VIEW_ROWS, key)) return null;
  const row = LINK_VIEW_ROWS[key as keyof LinkView] as LinkRow<unknown>;
  return { key: key as keyof LinkView, parsed: row.parse(text) };
}

/** Write the given view values into `params`, in the table's order. */
export function writeView(params: URLSearchParams, view: Partial<LinkView>): void {
  for (const key of Object.keys(LINK_VIEW_ROWS) as (keyof LinkView)[]) {
    const value = view[key];
    if (value === undefined) continue;
    params.set(key, (LINK_VIEW_ROWS[key] as LinkRow<unknown>).write(value));
  }
}
