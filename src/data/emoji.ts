// The generated colour emoji set, a small CIFAR-10 look-alike: emoji from the system's colour emoji
// font drawn onto light backgrounds with seeded jitter, labelled by Unicode group. Runs wherever an
// OffscreenCanvas does (the loading worker, or the page as a fallback).
import { type Dataset, type ImageShape } from './dataset';
import { EMOJI_GROUPS } from './emojiList';
import type { LoadReport } from './parsers/errors';
import { fitRgbaToShape } from './parsers/fitImage';
import { createRng, type Rng } from '../lib/rng';

/** The font the set is drawn with; fonts-noto-color-emoji on Debian and Ubuntu. */
export const EMOJI_FONT_FAMILY = 'Noto Color Emoji';

export interface EmojiOptions {
  /** Side of each square image in pixels. */
  size: number;
  seed: number;
  /** Jittered drawings of every emoji the font can draw. */
  copiesPerEmoji: number;
  /** Called now and then while drawing, with images drawn so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** A Dataset that also says which emoji of the list the font could not draw (they were left out). */
export interface EmojiDataset extends Dataset {
  undrawable: string[];
}

/** Drawn this many times larger, then shrunk by area averaging: smoother edges than drawing small. */
const SUPERSAMPLE = 2;
/** The emoji's larger side as a share of the image side, before jitter. */
const SCALE_RANGE: readonly [number, number] = [0.62, 0.86];
/** Largest shift of the emoji's centre, as a share of the image side. */
const MAX_OFFSET = 0.08;
/** Largest tilt either way, in radians (15 degrees). */
const MAX_ROTATION = Math.PI / 12;
/** Backgrounds: any hue, little saturation, light, so the emoji stands out as in a photo of one. */
const BACKGROUND_SATURATION: readonly [number, number] = [0.05, 0.35];
const BACKGROUND_LIGHTNESS: readonly [number, number] = [0.82, 0.96];
/** Font size the emoji are measured at, in pixels. */
const PROBE_FONT_PX = 64;
/** The font may still be loading when the set is first asked for; waiting longer is pointless. */
const FONT_WAIT_MS = 3000;
const PROGRESS_EVERY = 250;
/** Fewer drawable emoji than this share of the list means there is no colour emoji font. */
const MIN_DRAWABLE_SHARE = 0.5;
/** Widest a single emoji glyph may be, in widths of a smiley; sequences drawn as pieces are wider. */
const MAX_WIDTH_IN_EMOJI = 1.4;

type Context2D = OffscreenCanvasRenderingContext2D;

/** Where an emoji's ink lies around the fillText anchor, at PROBE_FONT_PX, for centring it. */
interface EmojiBox {
  emoji: string;
  group: number;
  left: number;
  right: number;
  ascent: number;
  descent: number;
}

/**
 * Draw `copiesPerEmoji` jittered copies of every emoji in the list that the colour emoji font can
 * draw. Rejects with a message the user can act on when no colour emoji font is present.
 */
export async function renderEmojiDataset(options: EmojiOptions): Promise<EmojiDataset> {
  const { size, seed, copiesPerEmoji, onProgress = () => {} } = options;
  if (!Number.isInteger(size) || size < 8 || size > 128) throw new RangeError(`size must be a whole number 8..128, got ${size}`);
  if (!Number.isInteger(copiesPerEmoji) || copiesPerEmoji < 1) throw new RangeError(`copiesPerEmoji must be a positive whole number, got ${copiesPerEmoji}`);
  if (typeof OffscreenCanvas === 'undefined') throw new Error('This browser has no OffscreenCanvas to draw the emoji on.');

  await waitForEmojiFont();
  const { drawable, undrawable } = sortDrawable();
  const listed = drawable.length + undrawable.length;
  if (drawable.length < listed * MIN_DRAWABLE_SHARE) {
    throw new Error(
      `No colour emoji font was found (only ${drawable.length} of ${listed} emoji came out in colour). ` +
        `Install the "${EMOJI_FONT_FAMILY}" font (the fonts-noto-color-emoji package on Debian and Ubuntu) and reload.`,
    );
  }

  const shape: ImageShape = [size, size, 3];
  const imageBytes = size * size * 3;
  const count = drawable.length * copiesPerEmoji;
  const images = new Uint8Array(count * imageBytes);
  const labels = new Uint8Array(count);
  const side = size * SUPERSAMPLE;
  const context = createContext(side);
  const rng = createRng(seed);
  let index = 0;
  for (const box of drawable) {
    for (let copy = 0; copy < copiesPerEmoji; copy++) {
      drawJittered(context, side, box, rng);
      const { data } = context.getImageData(0, 0, side, side);
      images.set(fitRgbaToShape(data, side, side, shape), index * imageBytes);
      labels[index] = box.group;
      index++;
      if (index % PROGRESS_EVERY === 0) onProgress(index, count);
    }
  }
  onProgress(count, count);
  return {
    name: `Emoji (${size}×${size} colour)`,
    images,
    labels,
    shape,
    classNames: EMOJI_GROUPS.map((group) => group.name),
    undrawable,
  };
}

/** Undrawable emoji named in the report; the rest are counted. */
const LISTED_UNDRAWABLE = 8;

/**
 * The emoji set as a load report: the plain dataset, and notes on how many emoji were drawn and
 * which ones the font could not draw.
 */
export async function emojiLoadReport(options: EmojiOptions): Promise<LoadReport> {
  const { undrawable, ...dataset } = await renderEmojiDataset(options);
  const count = dataset.labels.length;
  const drawn = count / options.copiesPerEmoji;
  const notes = [
    `Drew ${drawn} emoji in ${dataset.classNames.length} groups, ${options.copiesPerEmoji} jittered copies of each: ${count.toLocaleString('en-US')} images.`,
  ];
  if (undrawable.length > 0) {
    const listed = undrawable.slice(0, LISTED_UNDRAWABLE).join(' ');
    const more = undrawable.length > LISTED_UNDRAWABLE ? ` and ${undrawable.length - LISTED_UNDRAWABLE} more` : '';
    notes.push(`${undrawable.length} emoji the font cannot draw were left out (${listed}${more}).`);
  } else {
    notes.push('The font drew every emoji in the list.');
  }
  return { dataset, skipped: [], notes };
}

/**
 * Ask for the font before drawing: a web font (or a lazily loaded system font) would otherwise
 * come out as fallback glyphs. Works in the page (document.fonts) and in workers (self.fonts).
 */
async function waitForEmojiFont(): Promise<void> {
  const scope = globalThis as { fonts?: FontFaceSet; document?: Document };
  const fonts = scope.fonts ?? scope.document?.fonts;
  if (!fonts) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FONT_WAIT_MS);
  });
  try {
    await Promise.race([fonts.load(`${PROBE_FONT_PX}px "${EMOJI_FONT_FAMILY}"`, '\u{1F600}').then(() => undefined), timeout]);
  } catch {
    // A failed load is judged below by what actually gets drawn.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Split the list into emoji the colour font draws and ones it does not. A colour glyph ignores the
 * fill colour; anything else the browser falls back to (a monochrome glyph, the missing-glyph box,
 * a monochrome box) is drawn in it. So each emoji is drawn in black and in white, and kept only
 * when it has ink and both drawings agree. A sequence the font has no single glyph for (an unknown
 * flag comes out as two letters) is caught by its width: wider than one emoji.
 */
function sortDrawable(): { drawable: EmojiBox[]; undrawable: string[] } {
  const side = PROBE_FONT_PX * 2;
  const context = createContext(side);
  context.font = fontAt(PROBE_FONT_PX);
  context.textAlign = 'left';
  context.textBaseline = 'alphabetic';
  const oneEmojiWidth = context.measureText('\u{1F600}').width;
  const drawable: EmojiBox[] = [];
  const undrawable: string[] = [];
  EMOJI_GROUPS.forEach((group, groupIndex) => {
    for (const emoji of group.emoji) {
      const inBlack = drawnAlone(context, side, emoji, '#000000');
      const inWhite = drawnAlone(context, side, emoji, '#ffffff');
      const metrics = context.measureText(emoji);
      if (!hasInk(inBlack) || !sameDrawing(inBlack, inWhite) || metrics.width > oneEmojiWidth * MAX_WIDTH_IN_EMOJI) {
        undrawable.push(emoji);
        continue;
      }
      drawable.push({
        emoji,
        group: groupIndex,
        left: metrics.actualBoundingBoxLeft,
        right: metrics.actualBoundingBoxRight,
        ascent: metrics.actualBoundingBoxAscent,
        descent: metrics.actualBoundingBoxDescent,
      });
    }
  });
  return { drawable, undrawable };
}

/** The emoji alone on a transparent canvas, filled with `fill`, anchored well inside the canvas. */
function drawnAlone(context: Context2D, side: number, emoji: string, fill: string): Uint8ClampedArray {
  context.clearRect(0, 0, side, side);
  context.fillStyle = fill;
  context.fillText(emoji, side / 4, (side * 3) / 4);
  return context.getImageData(0, 0, side, side).data;
}

function hasInk(rgba: Uint8ClampedArray): boolean {
  let inked = 0;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] > 32) inked++;
  return inked > 16;
}

/** Equal up to rounding: a colour glyph may differ by a unit here and there, a filled glyph by 255. */
function sameDrawing(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 8) differing++;
  return differing <= a.length / 1000;
}

/** One jittered drawing of an emoji: light background, then the emoji scaled, shifted and tilted. */
function drawJittered(context: Context2D, side: number, box: EmojiBox, rng: Rng): void {
  // Fixed draw order, so a seed always gives the same images.
  const scale = SCALE_RANGE[0] + rng.next() * (SCALE_RANGE[1] - SCALE_RANGE[0]);
  const offsetX = (rng.next() * 2 - 1) * MAX_OFFSET * side;
  const offsetY = (rng.next() * 2 - 1) * MAX_OFFSET * side;
  const rotation = (rng.next() * 2 - 1) * MAX_ROTATION;
  const hue = rng.next() * 360;
  const saturation = BACKGROUND_SATURATION[0] + rng.next() * (BACKGROUND_SATURATION[1] - BACKGROUND_SATURATION[0]);
  const lightness = BACKGROUND_LIGHTNESS[0] + rng.next() * (BACKGROUND_LIGHTNESS[1] - BACKGROUND_LIGHTNESS[0]);

  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = `hsl(${hue.toFixed(1)} ${(saturation * 100).toFixed(1)}% ${(lightness * 100).toFixed(1)}%)`;
  context.fillRect(0, 0, side, side);

  // Scale the measured ink box so its larger side is `scale` of the image, centred on the jittered point.
  const inkWidth = box.left + box.right;
  const inkHeight = box.ascent + box.descent;
  const fontPx = (PROBE_FONT_PX * scale * side) / Math.max(inkWidth, inkHeight, 1);
  const ratio = fontPx / PROBE_FONT_PX;
  context.translate(side / 2 + offsetX, side / 2 + offsetY);
  context.rotate(rotation);
  context.font = fontAt(fontPx);
  context.textAlign = 'left';
  context.textBaseline = 'alphabetic';
  context.fillText(box.emoji, -((box.right - box.left) / 2) * ratio, ((box.ascent - box.descent) / 2) * ratio);
}

function fontAt(px: number): string {
  return `${px.toFixed(2)}px "${EMOJI_FONT_FAMILY}"`;
}

function createContext(side: number): Context2D {
  const canvas = new OffscreenCanvas(side, side);
  // Read back after every drawing: a CPU-backed canvas avoids a GPU readback each time.
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser cannot draw on a 2-D canvas here.');
  return context;
}
