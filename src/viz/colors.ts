// Class colours for the map, the legend and the charts, as CSS strings and as packed pixels.
// Tableau 10 is calm, distinguishable for the common colour-vision deficiencies and still readable
// when washed out by a projector; classes beyond ten reuse it in darker, then lighter, shades.
import { color, hsl, schemeTableau10 } from 'd3';

export interface Palette {
  /** One CSS colour per class, e.g. "#4e79a7". */
  css: string[];
  /** The same colours packed with `packRgba`, for writing straight into ImageData pixels. */
  packed: Uint32Array;
}

/** Shade steps applied to the base palette for classes 10-19, 20-29, ... (d3-color units). */
const SHADE_STEPS = [0, 0.9, -0.7, 1.6, -1.2];
/** Lightness limits so shaded colours stay visible on white and distinct from the black outline. */
const MIN_LIGHTNESS = 0.22;
const MAX_LIGHTNESS = 0.7;

/**
 * Packs one colour as a 32-bit pixel for a Uint32Array view of ImageData: bytes in memory are
 * R, G, B, A, which on a little-endian machine (every browser platform) reads as 0xAABBGGRR.
 * Channels are 0..255.
 */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a & 0xff) << 24 | (b & 0xff) << 16 | (g & 0xff) << 8 | (r & 0xff)) >>> 0;
}

/**
 * Okabe and Ito's palette, distinguishable with the common colour-vision deficiencies, then two
 * of Paul Tol's (wine, grey) to reach ten classes.
 */
const COLOUR_BLIND_SAFE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000', '#f0e442', '#882255', '#999999'];

/**
 * `count` distinct class colours, the first ten being Tableau 10 in its usual order (or the
 * colour-blind-safe set).
 */
export function classColors(count: number, scheme: 'standard' | 'colour-blind' = 'standard'): Palette {
  const base10 = scheme === 'colour-blind' ? COLOUR_BLIND_SAFE : schemeTableau10;
  const size = Math.max(0, Math.floor(count));
  const css: string[] = [];
  const packed = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    const base = base10[i % base10.length];
    const round = Math.floor(i / base10.length) % SHADE_STEPS.length;
    const shade = SHADE_STEPS[round];
    const parsed = color(base);
    if (parsed === null) throw new Error(`Unparsable palette colour ${base}`);
    const shaded = hsl(shade === 0 ? parsed : shade > 0 ? parsed.darker(shade) : parsed.brighter(-shade));
    if (shade !== 0) shaded.l = Math.min(MAX_LIGHTNESS, Math.max(MIN_LIGHTNESS, shaded.l));
    const rgb = shaded.rgb().clamp();
    css.push(rgb.formatHex());
    packed[i] = packRgba(rgb.r, rgb.g, rgb.b);
  }
  return { css, packed };
}

/**
 * Per-point pixel colours from per-point class labels, written into `out` when it is big enough
 * (so a caller can reuse one buffer across updates). Labels outside the palette get grey.
 */
export function pointColors(labels: Uint8Array, palette: Uint32Array, out?: Uint32Array): Uint32Array {
  const target = out !== undefined && out.length >= labels.length ? out : new Uint32Array(labels.length);
  const unknown = packRgba(150, 150, 150);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    target[i] = label < palette.length ? palette[label] : unknown;
  }
  return target;
}
