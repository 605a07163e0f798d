// Draws every point of the map into a canvas by writing pixels into one reused ImageData.
// Tens of thousands of fillRect calls take tens of milliseconds a frame; writing 32-bit pixels
// and one putImageData takes a few, which keeps dragging and training updates smooth.
import { packRgba } from './colors';
import type { MapView } from './mapView';

export interface ScatterOptions {
  /** Radius of each point, CSS pixels; about 1.5-2.5 reads well from 1,000 to 70,000 points. */
  pointRadius: number;
  /** Index of a point to draw larger, with a dark outline, on top of the others. */
  highlight?: number;
}

/** A filled disc (a square when small) as one run of pixels per row, relative to its top-left. */
export interface PointStamp {
  /** Width and height of the stamp's bounding square, device pixels. */
  readonly size: number;
  /** First covered column of each row. */
  readonly rowStart: Int32Array;
  /** One past the last covered column of each row. */
  readonly rowEnd: Int32Array;
}

/** Pixels to draw into: 32-bit RGBA pixels, row after row. */
export interface PixelTarget {
  readonly pixels: Uint32Array;
  readonly width: number;
  readonly height: number;
}

/** Map units to device pixels, plus the rectangle (device pixels, right and bottom exclusive) to draw in. */
export interface DeviceMapping {
  pixelsPerUnit: number;
  originX: number;
  originY: number;
  clipLeft: number;
  clipTop: number;
  clipRight: number;
  clipBottom: number;
}

const BACKGROUND = packRgba(255, 255, 255);
const OUTLINE = packRgba(34, 34, 34);
/** The highlighted point's radius relative to the others. */
const HIGHLIGHT_SCALE = 2.2;
/** Outline width around the highlighted point, CSS pixels. */
const OUTLINE_WIDTH = 1.5;

/**
 * The pixels of a disc `size` device pixels across: those whose centres lie within size / 2 of its
 * centre. Up to 3 pixels that is the full square, which reads better than a cross at that size.
 */
export function discStamp(size: number): PointStamp {
  const side = Math.max(1, Math.round(size));
  const radius = side / 2;
  const rowStart = new Int32Array(side);
  const rowEnd = new Int32Array(side);
  for (let row = 0; row < side; row++) {
    const dy = row + 0.5 - radius;
    const half = Math.sqrt(Math.max(0, radius * radius - dy * dy));
    // Columns whose centre c + 0.5 lies in [radius - half, radius + half].
    rowStart[row] = Math.max(0, Math.ceil(radius - half - 0.5));
    rowEnd[row] = Math.min(side, Math.floor(radius + half - 0.5) + 1);
  }
  // Small stamps: keep the whole square so 2-3 px points do not lose their corners to rounding.
  if (side <= 3) {
    rowStart.fill(0);
    rowEnd.fill(side);
  }
  return { size: side, rowStart, rowEnd };
}

/**
 * Writes point `index` of `points` (map x, y interleaved) as `stamp`, centred on its device position,
 * in `color`. Points outside the clip rectangle, or not finite, draw nothing.
 */
export function stampPoint(
  target: PixelTarget,
  points: Float32Array,
  index: number,
  color: number,
  mapping: DeviceMapping,
  stamp: PointStamp,
): void {
  const { pixels, width } = target;
  const size = stamp.size;
  const left = Math.round(mapping.originX + mapping.pixelsPerUnit * points[2 * index] - size / 2);
  const top = Math.round(mapping.originY - mapping.pixelsPerUnit * points[2 * index + 1] - size / 2);
  // Written so that NaN coordinates fail the test and are skipped.
  if (
    !(left < mapping.clipRight && left + size > mapping.clipLeft && top < mapping.clipBottom && top + size > mapping.clipTop)
  ) {
    return;
  }
  const firstRow = Math.max(0, mapping.clipTop - top);
  const lastRow = Math.min(size, mapping.clipBottom - top);
  for (let row = firstRow; row < lastRow; row++) {
    const start = Math.max(left + stamp.rowStart[row], mapping.clipLeft);
    const end = Math.min(left + stamp.rowEnd[row], mapping.clipRight);
    const rowOffset = (top + row) * width;
    for (let x = start; x < end; x++) pixels[rowOffset + x] = color;
  }
}

/**
 * Fills `out` (reused, so nothing is allocated per frame) with the device-pixel form of `view` for a
 * canvas `ratio` device pixels per CSS pixel, clipped to the plot area and the canvas.
 */
export function setDeviceMapping(
  out: DeviceMapping,
  view: MapView,
  ratio: number,
  canvas: { readonly width: number; readonly height: number },
): void {
  out.pixelsPerUnit = view.pixelsPerUnit * ratio;
  out.originX = view.origin.x * ratio;
  out.originY = view.origin.y * ratio;
  const area = view.plotArea;
  out.clipLeft = Math.max(0, Math.floor(area.left * ratio));
  out.clipTop = Math.max(0, Math.floor(area.top * ratio));
  out.clipRight = Math.min(canvas.width, Math.ceil((area.left + area.width) * ratio));
  out.clipBottom = Math.min(canvas.height, Math.ceil((area.top + area.height) * ratio));
}

/** Writes points 0..count-1, later points over earlier ones. */
export function stampPoints(
  target: PixelTarget,
  points: Float32Array,
  count: number,
  colors: Uint32Array,
  mapping: DeviceMapping,
  stamp: PointStamp,
): void {
  const n = Math.min(count, points.length >> 1, colors.length);
  for (let i = 0; i < n; i++) stampPoint(target, points, i, colors[i], mapping, stamp);
}

/** Owns one canvas and its pixel buffer; call `resize` when the element or the pixel ratio changes. */
export class ScatterRenderer {
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  private target: PixelTarget = { pixels: new Uint32Array(0), width: 0, height: 0 };
  private devicePixelRatio = 1;
  private readonly mapping: DeviceMapping = {
    pixelsPerUnit: 1,
    originX: 0,
    originY: 0,
    clipLeft: 0,
    clipTop: 0,
    clipRight: 0,
    clipBottom: 0,
  };
  // Stamps depend only on radius and pixel ratio, so they are rebuilt when those change, not per frame.
  private stampRadius = Number.NaN;
  private stampRatio = Number.NaN;
  private pointStamp = discStamp(1);
  private highlightStamp = discStamp(1);
  private outlineStamp = discStamp(1);

  constructor(canvas: HTMLCanvasElement) {
    // Opaque: the map always has a white background, and an opaque canvas composites faster.
    const context = canvas.getContext('2d', { alpha: false });
    if (context === null) throw new Error('This browser cannot draw on a 2-D canvas.');
    this.canvas = canvas;
    this.context = context;
  }

  /** Sizes the canvas to the element, in device pixels so points stay sharp on high-DPI screens. */
  resize(cssWidth: number, cssHeight: number, devicePixelRatio: number): void {
    const ratio = devicePixelRatio > 0 && Number.isFinite(devicePixelRatio) ? devicePixelRatio : 1;
    const width = Math.max(1, Math.round(cssWidth * ratio));
    const height = Math.max(1, Math.round(cssHeight * ratio));
    this.devicePixelRatio = ratio;
    this.canvas.style.width = `${cssWidth}px`;
    this.canvas.style.height = `${cssHeight}px`;
    if (this.image !== null && this.image.width === width && this.image.height === height) return;
    this.canvas.width = width;
    this.canvas.height = height;
    this.image = this.context.createImageData(width, height);
    this.target = { pixels: new Uint32Array(this.image.data.buffer), width, height };
  }

  /**
   * Draws `count` points (map x, y interleaved) with per-point packed colours (see `packRgba`) as
   * seen through `view`. Points outside the view's plot area are clipped so they never cover axes.
   */
  render(points: Float32Array, count: number, colors: Uint32Array, view: MapView, options: ScatterOptions): void {
    const image = this.image;
    if (image === null) return;
    const ratio = this.devicePixelRatio;
    this.updateStamps(options.pointRadius, ratio);

    const mapping = this.mapping;
    setDeviceMapping(mapping, view, ratio, this.target);
    this.target.pixels.fill(BACKGROUND);
    stampPoints(this.target, points, count, colors, mapping, this.pointStamp);

    const highlight = options.highlight;
    if (highlight !== undefined && highlight >= 0 && highlight < Math.min(count, colors.length)) {
      stampPoint(this.target, points, highlight, OUTLINE, mapping, this.outlineStamp);
      stampPoint(this.target, points, highlight, colors[highlight], mapping, this.highlightStamp);
    }
    this.context.putImageData(image, 0, 0);
  }

  private updateStamps(pointRadius: number, ratio: number): void {
    if (pointRadius === this.stampRadius && ratio === this.stampRatio) return;
    this.stampRadius = pointRadius;
    this.stampRatio = ratio;
    const pointSize = Math.max(1, Math.round(2 * pointRadius * ratio));
    const highlightSize = Math.max(pointSize + 2, Math.round(2 * pointRadius * HIGHLIGHT_SCALE * ratio));
    const outline = Math.max(1, Math.round(OUTLINE_WIDTH * ratio));
    this.pointStamp = discStamp(pointSize);
    this.highlightStamp = discStamp(highlightSize);
    // Whole pixels of outline on each side keep the two stamps concentric (see `stampPoint`).
    this.outlineStamp = discStamp(highlightSize + 2 * outline);
  }
}
