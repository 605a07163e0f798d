// The "Shapes" dataset: simple figures whose generating factors (kind, position, size, rotation,
// hue) are known, so a latent space can be coloured by each factor to see what it learned.
// Rasterised here in plain TypeScript (no canvas), so it runs in Node, a worker or the page alike.
import { createRng } from '../lib/rng';
import type { Dataset, ImageShape } from './dataset';

export const SHAPE_KINDS = ['circle', 'square', 'triangle', 'star', 'cross'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** Every factor a point can be coloured by; "hue" exists only for colour sets. */
export const SHAPE_FACTOR_NAMES = ['shape', 'x', 'y', 'scale', 'rotation', 'hue'] as const;
export type ShapeFactorName = (typeof SHAPE_FACTOR_NAMES)[number];

/** The factors present in a set generated with or without colour, in display order. */
export function shapeFactorNames(color: boolean): ShapeFactorName[] {
  return SHAPE_FACTOR_NAMES.filter((name) => color || name !== 'hue');
}

/** Outer radius as a fraction of the image side: small enough to move around, big enough to read. */
export const SHAPE_SCALE_RANGE = [0.2, 0.4] as const;
/** Samples per pixel along each axis; 4 gives 16 coverage levels, smooth edges at 28 px. */
export const SUPERSAMPLES_PER_AXIS = 4;
/** Inner radius of the star's notches relative to its points (a regular pentagram has 0.38). */
const STAR_INNER_RADIUS = 0.45;
/** Half-width of the cross's bars and half-length of its arms, both relative to the outer radius. */
const CROSS_HALF_WIDTH = 0.3;
const CROSS_HALF_LENGTH = 0.9;

export interface ShapesOptions {
  /** Number of images. */
  count: number;
  /** Image side in pixels (28 like MNIST, 32 like CIFAR; any whole number 8..128 works). */
  size: number;
  /** true: RGB with a random hue per image; false: grayscale. */
  color: boolean;
  seed: number;
}

/** One figure's factors, in the units stored in ShapeFactors. */
export interface ShapeParams {
  kind: ShapeKind;
  /** Centre as a fraction of the image side, 0 = left / top edge, 1 = right / bottom edge. */
  x: number;
  y: number;
  /** Outer radius (centre to farthest point) as a fraction of the image side. */
  scale: number;
  /** Radians, 0..2pi; positive turns clockwise on screen (y points down). */
  rotation: number;
  /** 0..1 around the colour wheel (0 red, 1/3 green, 2/3 blue); ignored for grayscale. */
  hue: number;
}

export interface ShapeFactors {
  /** Index into SHAPE_KINDS, equal to the dataset label. */
  shape: Uint8Array;
  x: Float32Array;
  y: Float32Array;
  scale: Float32Array;
  rotation: Float32Array;
  /** Present only for colour sets. */
  hue?: Float32Array;
}

export interface GeneratedShapes {
  dataset: Dataset;
  factors: ShapeFactors;
}

/**
 * Generate `count` figures on black, drawn from the seed alone. Geometry does not depend on
 * `color`: the same seed gives the same figures in gray and in colour.
 */
export function generateShapes(options: ShapesOptions): GeneratedShapes {
  const { count, size, color, seed } = options;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive whole number, got ${count}`);
  if (!Number.isInteger(size) || size < 8 || size > 128) throw new RangeError(`size must be a whole number 8..128, got ${size}`);

  const rng = createRng(seed);
  const channels = color ? 3 : 1;
  const shape: ImageShape = [size, size, channels];
  const imageBytes = size * size * channels;
  const images = new Uint8Array(count * imageBytes);
  const factors: ShapeFactors = {
    shape: new Uint8Array(count),
    x: new Float32Array(count),
    y: new Float32Array(count),
    scale: new Float32Array(count),
    rotation: new Float32Array(count),
    hue: color ? new Float32Array(count) : undefined,
  };

  for (let index = 0; index < count; index++) {
    // Fixed draw order, hue always drawn: adding colour must not move the figures.
    const kindIndex = rng.nextInt(SHAPE_KINDS.length);
    const scale = SHAPE_SCALE_RANGE[0] + rng.next() * (SHAPE_SCALE_RANGE[1] - SHAPE_SCALE_RANGE[0]);
    const rotation = rng.next() * 2 * Math.PI;
    // The centre keeps a full outer radius from every edge, so no figure is ever clipped.
    const x = scale + rng.next() * (1 - 2 * scale);
    const y = scale + rng.next() * (1 - 2 * scale);
    const hue = rng.next();
    const params: ShapeParams = { kind: SHAPE_KINDS[kindIndex], x, y, scale, rotation, hue };
    rasteriseShape(params, size, channels, images.subarray(index * imageBytes, (index + 1) * imageBytes));

    factors.shape[index] = kindIndex;
    factors.x[index] = x;
    factors.y[index] = y;
    factors.scale[index] = scale;
    factors.rotation[index] = rotation;
    if (factors.hue !== undefined) factors.hue[index] = hue;
  }

  const dataset: Dataset = {
    name: color ? 'Shapes (colour)' : 'Shapes',
    images,
    labels: factors.shape.slice(),
    shape,
    classNames: [...SHAPE_KINDS],
  };
  return { dataset, factors };
}

/**
 * Draw one figure, anti-aliased by supersampling, onto a black size x size image (channels last).
 * Writes into `out` when given (it must be zeroed), else into a new array.
 */
export function rasteriseShape(params: ShapeParams, size: number, channels: 1 | 3, out = new Uint8Array(size * size * channels)): Uint8Array {
  const colour = channels === 3 ? hueToRgb(params.hue) : [255];
  const radius = params.scale * size;
  const centreX = params.x * size;
  const centreY = params.y * size;
  const cos = Math.cos(params.rotation);
  const sin = Math.sin(params.rotation);
  const distanceTo = SIGNED_DISTANCE[params.kind];
  const samples = SUPERSAMPLES_PER_AXIS * SUPERSAMPLES_PER_AXIS;
  /** Signed distance (in pixels, negative inside) at a point of the image, via the figure's frame. */
  const distanceAt = (px: number, py: number): number => {
    const dx = (px - centreX) / radius;
    const dy = (py - centreY) / radius;
    // Undo the figure's rotation.
    return distanceTo(dx * cos + dy * sin, -dx * sin + dy * cos) * radius;
  };

  // Only pixels within the outer radius can be touched.
  const left = Math.max(0, Math.floor(centreX - radius));
  const right = Math.min(size - 1, Math.ceil(centreX + radius));
  const top = Math.max(0, Math.floor(centreY - radius));
  const bottom = Math.min(size - 1, Math.ceil(centreY + radius));
  for (let row = top; row <= bottom; row++) {
    for (let column = left; column <= right; column++) {
      // A pixel whose centre is farther from the edge than any of its samples all lies on one
      // side, so only pixels on the outline pay for supersampling.
      const centreDistance = distanceAt(column + 0.5, row + 0.5);
      let hits: number;
      if (centreDistance > SAMPLE_REACH) {
        hits = 0;
      } else if (centreDistance < -SAMPLE_REACH) {
        hits = samples;
      } else {
        hits = 0;
        for (let sy = 0; sy < SUPERSAMPLES_PER_AXIS; sy++) {
          const py = row + (sy + 0.5) / SUPERSAMPLES_PER_AXIS;
          for (let sx = 0; sx < SUPERSAMPLES_PER_AXIS; sx++) {
            if (distanceAt(column + (sx + 0.5) / SUPERSAMPLES_PER_AXIS, py) <= 0) hits++;
          }
        }
      }
      if (hits === 0) continue;
      const coverage = hits / samples;
      const at = (row * size + column) * channels;
      for (let channel = 0; channel < channels; channel++) out[at + channel] = Math.round(colour[channel] * coverage);
    }
  }
  return out;
}

/** Farthest a sample lies from its pixel centre, plus a little for rounding: (1/2 - 1/8) * sqrt(2). */
const SAMPLE_REACH = (0.5 - 0.5 / SUPERSAMPLES_PER_AXIS) * Math.SQRT2 + 1e-3;

// Math.hypot is avoided below: it is several times slower than sqrt in V8, and these run per sample.

/**
 * Signed distance to each figure's outline in its own frame (centre at the origin, outer radius 1,
 * v pointing down), negative inside. Where not exact it never overstates the distance, which is
 * all the shortcut in rasteriseShape needs; the sign is always exact.
 */
const SIGNED_DISTANCE: Record<ShapeKind, (u: number, v: number) => number> = {
  circle: (u, v) => Math.sqrt(u * u + v * v) - 1,
  square: (u, v) => boxDistance(u, v, Math.SQRT1_2, Math.SQRT1_2),
  triangle: triangleDistance,
  star: starDistance,
  // Union of two bars: the nearer bar's distance (an underestimate inside where they cross).
  cross: (u, v) => Math.min(boxDistance(u, v, CROSS_HALF_LENGTH, CROSS_HALF_WIDTH), boxDistance(u, v, CROSS_HALF_WIDTH, CROSS_HALF_LENGTH)),
};

/** Exact signed distance to an axis-aligned box with the given half sizes. */
function boxDistance(u: number, v: number, halfWidth: number, halfHeight: number): number {
  const outU = Math.abs(u) - halfWidth;
  const outV = Math.abs(v) - halfHeight;
  const clampedU = Math.max(outU, 0);
  const clampedV = Math.max(outV, 0);
  return Math.sqrt(clampedU * clampedU + clampedV * clampedV) + Math.min(Math.max(outU, outV), 0);
}

/** Directions from the centre to the equilateral triangle's vertices, the first pointing up. */
const TRIANGLE_VERTEX_DIRECTIONS = [0, 1, 2].map((k) => {
  const angle = -Math.PI / 2 + (2 * Math.PI * k) / 3;
  return [Math.cos(angle), Math.sin(angle)] as const;
});

/**
 * Each edge lies opposite a vertex at distance 1/2 (the inradius of a unit-circumradius
 * triangle); the largest distance past an edge line is exact inside and a lower bound outside.
 */
function triangleDistance(u: number, v: number): number {
  let distance = -Infinity;
  for (const [du, dv] of TRIANGLE_VERTEX_DIRECTIONS) distance = Math.max(distance, -(u * du + v * dv) - 0.5);
  return distance;
}

const STAR_SECTOR = (2 * Math.PI) / 5;
const STAR_NOTCH = [STAR_INNER_RADIUS * Math.cos(STAR_SECTOR / 2), STAR_INNER_RADIUS * Math.sin(STAR_SECTOR / 2)] as const;

/**
 * Fold the point by the star's symmetry into half of one point (tip at angle 0 on (1, 0), notch
 * at 36 degrees); there the nearest outline is the one edge from tip to notch, so this is exact.
 */
function starDistance(u: number, v: number): number {
  const radius = Math.sqrt(u * u + v * v);
  let angle = Math.atan2(v, u) + Math.PI / 2; // measured from the upward tip
  angle = ((angle % STAR_SECTOR) + STAR_SECTOR) % STAR_SECTOR;
  if (angle > STAR_SECTOR / 2) angle = STAR_SECTOR - angle;
  const qx = radius * Math.cos(angle) - 1;
  const qy = radius * Math.sin(angle);
  const edgeX = STAR_NOTCH[0] - 1;
  const edgeY = STAR_NOTCH[1];
  const along = Math.min(1, Math.max(0, (qx * edgeX + qy * edgeY) / (edgeX * edgeX + edgeY * edgeY)));
  const offX = qx - along * edgeX;
  const offY = qy - along * edgeY;
  const distance = Math.sqrt(offX * offX + offY * offY);
  // The origin is inside; a point is inside when it is on the origin's side of the edge line.
  const side = edgeX * qy - edgeY * qx;
  const originSide = edgeX * 0 - edgeY * -1;
  return side * originSide >= 0 ? -distance : distance;
}

/** Fully saturated, full-value colour for a hue in 0..1 (HSV with S = V = 1). */
export function hueToRgb(hue: number): [number, number, number] {
  const h = (((hue % 1) + 1) % 1) * 6;
  const sector = Math.floor(h);
  const rising = Math.round(255 * (h - sector));
  const falling = 255 - rising;
  switch (sector) {
    case 0: return [255, rising, 0];
    case 1: return [falling, 255, 0];
    case 2: return [0, 255, rising];
    case 3: return [0, falling, 255];
    case 4: return [rising, 0, 255];
    default: return [255, 0, falling];
  }
}
