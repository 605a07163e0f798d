// What colour each point of the map gets: its class, or a value (reconstruction error, one latent
// dimension) on a sequential ramp. Values are scaled between robust limits (the 1st and 99th
// percentiles), so a few extreme points do not wash the rest of the map into one colour.
import { interpolateViridis, quantileSorted, rgb } from 'd3';
import { classColors, packRgba, pointColors } from './colors';

export type ColourMode = 'label' | 'error' | 'dimension' | 'factor' | 'density';

export interface ValueScale {
  min: number;
  max: number;
}

const RAMP_STEPS = 256;
/** Viridis without its darkest end, which vanishes against the dark probe outline. */
const RAMP_START = 0.05;
let ramp: Uint32Array | null = null;

/** The packed colours of the value ramp, low to high; shared with the legend. */
export function valueRamp(): Uint32Array {
  if (ramp) return ramp;
  ramp = new Uint32Array(RAMP_STEPS);
  for (let i = 0; i < RAMP_STEPS; i++) {
    const colour = rgb(interpolateViridis(RAMP_START + (1 - RAMP_START) * (i / (RAMP_STEPS - 1))));
    ramp[i] = packRgba(colour.r, colour.g, colour.b);
  }
  return ramp;
}

/** CSS colour at position t (0..1) of the ramp, for legends. */
export function rampCss(t: number): string {
  return interpolateViridis(RAMP_START + (1 - RAMP_START) * Math.min(1, Math.max(0, t)));
}

/** Robust limits of `values`: the 1st and 99th percentiles of the finite ones. */
export function robustScale(values: Float32Array): ValueScale {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { min: 0, max: 1 };
  const min = quantileSorted(finite, 0.01) ?? finite[0];
  const max = quantileSorted(finite, 0.99) ?? finite[finite.length - 1];
  return max > min ? { min, max } : { min, max: min + 1 };
}

/** Per-point colours from per-point values on the ramp. Non-finite values get grey. */
export function valueColors(values: Float32Array, scale: ValueScale, out?: Uint32Array): Uint32Array {
  const target = out && out.length >= values.length ? out : new Uint32Array(values.length);
  const colours = valueRamp();
  const grey = packRgba(170, 170, 170);
  const span = scale.max - scale.min;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) {
      target[i] = grey;
      continue;
    }
    const t = Math.min(1, Math.max(0, (value - scale.min) / span));
    target[i] = colours[Math.round(t * (RAMP_STEPS - 1))];
  }
  return target;
}

/** Light class colours for density mode, so the contours stand out over the points. */
export function mutedClassColors(labels: Uint8Array, classCount: number): Uint32Array {
  const palette = classColors(classCount).packed.map((packed) => {
    const r = packed & 0xff;
    const g = (packed >>> 8) & 0xff;
    const b = (packed >>> 16) & 0xff;
    const mix = (channel: number) => Math.round(channel + (255 - channel) * 0.6);
    return packRgba(mix(r), mix(g), mix(b));
  });
  return pointColors(labels, palette);
}

/** Column `dimension` of row-major codes, one value per point. */
export function codeColumn(codes: Float32Array, latentDim: number, dimension: number): Float32Array {
  const count = codes.length / latentDim;
  const column = new Float32Array(count);
  for (let i = 0; i < count; i++) column[i] = codes[i * latentDim + dimension];
  return column;
}
