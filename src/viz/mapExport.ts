// The map as a stand-alone picture for export: title, points, both axes with ticks and titles, and
// a legend, drawn at a chosen pixel scale (2x for a crisp slide). Pure canvas drawing, no DOM lookups.
import { scaleLinear } from 'd3';

export interface MapExportInput {
  title: string;
  subtitle: string;
  /** x, y interleaved, map units. */
  points: Float32Array;
  count: number;
  /** One 0xAABBGGRR colour per point (see packRgba). */
  colors: Uint32Array;
  axisNames: readonly [string, string];
  /** The map region to show (what was on screen), in map units. */
  region: { x: readonly [number, number]; y: readonly [number, number] };
  /** Legend rows: a colour swatch and a label; or, for value colourings, a ramp with its ends. */
  legend: { kind: 'classes'; entries: { label: string; css: string }[] } | { kind: 'ramp'; title: string; stops: string[]; low: string; high: string };
  /** The probe, drawn as a ring, in map units. */
  probe: { x: number; y: number } | null;
}

export const EXPORT_WIDTH = 900;
export const EXPORT_HEIGHT = 720;
const PLOT = { left: 80, top: 78, right: 210, bottom: 70 };
const INK = '#1f2933';
const MUTED = '#52606d';

/** Draw onto a canvas context whose size is (EXPORT_WIDTH x EXPORT_HEIGHT) * scale. */
export function drawMapExport(context: CanvasRenderingContext2D, input: MapExportInput, scale: number): void {
  context.save();
  context.scale(scale, scale);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, EXPORT_WIDTH, EXPORT_HEIGHT);
  const plotWidth = EXPORT_WIDTH - PLOT.left - PLOT.right;
  const plotHeight = EXPORT_HEIGHT - PLOT.top - PLOT.bottom;
  const [x0, x1] = ordered(input.region.x);
  const [y0, y1] = ordered(input.region.y);
  const x = scaleLinear().domain([x0, x1]).range([PLOT.left, PLOT.left + plotWidth]);
  const y = scaleLinear().domain([y0, y1]).range([PLOT.top + plotHeight, PLOT.top]);

  context.fillStyle = INK;
  context.font = '600 24px system-ui, sans-serif';
  context.textBaseline = 'alphabetic';
  context.fillText(input.title, PLOT.left, 38);
  context.fillStyle = MUTED;
  context.font = '15px system-ui, sans-serif';
  context.fillText(input.subtitle, PLOT.left, 62);

  // Points, clipped to the plot.
  context.save();
  context.beginPath();
  context.rect(PLOT.left, PLOT.top, plotWidth, plotHeight);
  context.clip();
  const radius = input.count > 40_000 ? 1.3 : 2.2;
  for (let i = 0; i < input.count; i++) {
    const px = x(input.points[2 * i]);
    const py = y(input.points[2 * i + 1]);
    if (px < PLOT.left - 3 || px > PLOT.left + plotWidth + 3 || py < PLOT.top - 3 || py > PLOT.top + plotHeight + 3) continue;
    context.fillStyle = cssOf(input.colors[i] ?? 0xff999999);
    context.beginPath();
    context.arc(px, py, radius, 0, 2 * Math.PI);
    context.fill();
  }
  if (input.probe) {
    context.strokeStyle = '#111111';
    context.lineWidth = 3;
    context.beginPath();
    context.arc(x(input.probe.x), y(input.probe.y), 9, 0, 2 * Math.PI);
    context.stroke();
  }
  context.restore();

  // Axes.
  context.strokeStyle = MUTED;
  context.lineWidth = 1;
  context.strokeRect(PLOT.left + 0.5, PLOT.top + 0.5, plotWidth, plotHeight);
  context.fillStyle = INK;
  context.font = '14px system-ui, sans-serif';
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const tick of x.ticks(6)) {
    const at = x(tick);
    line(context, at, PLOT.top + plotHeight, at, PLOT.top + plotHeight + 6);
    context.fillText(x.tickFormat(6)(tick), at, PLOT.top + plotHeight + 9);
  }
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const tick of y.ticks(6)) {
    const at = y(tick);
    line(context, PLOT.left - 6, at, PLOT.left, at);
    context.fillText(y.tickFormat(6)(tick), PLOT.left - 9, at);
  }
  context.font = '600 16px system-ui, sans-serif';
  context.textAlign = 'center';
  context.textBaseline = 'alphabetic';
  context.fillText(input.axisNames[0], PLOT.left + plotWidth / 2, EXPORT_HEIGHT - 18);
  context.save();
  context.translate(24, PLOT.top + plotHeight / 2);
  context.rotate(-Math.PI / 2);
  context.fillText(input.axisNames[1], 0, 0);
  context.restore();

  drawLegend(context, input.legend, EXPORT_WIDTH - PLOT.right + 24, PLOT.top);
  context.restore();
}

function drawLegend(context: CanvasRenderingContext2D, legend: MapExportInput['legend'], left: number, top: number): void {
  context.textAlign = 'left';
  context.textBaseline = 'middle';
  context.font = '15px system-ui, sans-serif';
  if (legend.kind === 'classes') {
    const rows = legend.entries.slice(0, 24);
    rows.forEach((entry, i) => {
      const at = top + 10 + i * 24;
      context.fillStyle = entry.css;
      context.beginPath();
      context.arc(left + 7, at, 7, 0, 2 * Math.PI);
      context.fill();
      context.fillStyle = INK;
      context.fillText(truncate(entry.label, 20), left + 22, at);
    });
    if (legend.entries.length > rows.length) {
      context.fillStyle = MUTED;
      context.fillText(`and ${legend.entries.length - rows.length} more`, left, top + 10 + rows.length * 24);
    }
    return;
  }
  context.fillStyle = INK;
  context.font = '600 15px system-ui, sans-serif';
  context.fillText(truncate(legend.title, 22), left, top + 8);
  context.font = '15px system-ui, sans-serif';
  const height = 220;
  const gradient = context.createLinearGradient(0, top + 30 + height, 0, top + 30);
  legend.stops.forEach((stop, i) => gradient.addColorStop(i / Math.max(1, legend.stops.length - 1), stop));
  context.fillStyle = gradient;
  context.fillRect(left, top + 30, 20, height);
  context.fillStyle = INK;
  context.fillText(legend.high, left + 28, top + 38);
  context.fillText(legend.low, left + 28, top + 22 + height);
}

function line(context: CanvasRenderingContext2D, ax: number, ay: number, bx: number, by: number): void {
  context.beginPath();
  context.moveTo(ax, ay);
  context.lineTo(bx, by);
  context.stroke();
}

function ordered([a, b]: readonly [number, number]): [number, number] {
  if (!(Number.isFinite(a) && Number.isFinite(b)) || a === b) return [Math.min(a, b) - 1 || -1, Math.max(a, b) + 1 || 1];
  return a < b ? [a, b] : [b, a];
}

/** 0xAABBGGRR -> CSS colour. */
export function cssOf(packed: number): string {
  const r = packed & 0xff;
  const g = (packed >>> 8) & 0xff;
  const b = (packed >>> 16) & 0xff;
  return `rgb(${r},${g},${b})`;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
