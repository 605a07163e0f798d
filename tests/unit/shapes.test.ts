// The Shapes generator: reproducible from its seed, and its recorded factors describe what was
// actually drawn (position, size, rotation, colour, kind), checked by measuring the pixels.
import { describe, expect, it } from 'vitest';
import {
  generateShapes,
  hueToRgb,
  rasteriseShape,
  SHAPE_FACTOR_NAMES,
  SHAPE_KINDS,
  SHAPE_SCALE_RANGE,
  shapeFactorNames,
  type ShapeKind,
  type ShapeParams,
} from '../../src/data/shapes';

/** Area of each figure with outer radius 1, from its geometry. */
const STAR_INNER = 0.45;
const UNIT_AREA: Record<ShapeKind, number> = {
  circle: Math.PI,
  square: 2, // side sqrt(2)
  triangle: (3 * Math.sqrt(3)) / 4, // equilateral, circumradius 1
  star: 10 * 0.5 * STAR_INNER * Math.sin(Math.PI / 5), // ten triangles centre-tip-notch
  cross: 2 * (1.8 * 0.6) - 0.6 * 0.6, // two 1.8 x 0.6 bars sharing a 0.6 x 0.6 square
};

interface Measured {
  /** Lit area in pixels (intensity / 255 summed). */
  area: number;
  /** Intensity-weighted centroid in pixel units (pixel i spans [i, i+1)). */
  centroidX: number;
  centroidY: number;
}

/** Measure one channel of a size x size image stored with `channels` channels. */
function measure(image: Uint8Array, size: number, channels = 1, channel = 0): Measured {
  let total = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const value = image[(y * size + x) * channels + channel];
      total += value;
      sumX += value * (x + 0.5);
      sumY += value * (y + 0.5);
    }
  }
  return { area: total / 255, centroidX: sumX / total, centroidY: sumY / total };
}

/** Index of the first differing element, or -1 (typed-array deep equality is slow in expect). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return index;
  return -1;
}

function imageAt(images: Uint8Array, index: number, bytes: number): Uint8Array {
  return images.subarray(index * bytes, (index + 1) * bytes);
}

function figure(kind: ShapeKind, overrides: Partial<ShapeParams> = {}): ShapeParams {
  return { kind, x: 0.5, y: 0.5, scale: 0.35, rotation: 0, hue: 0, ...overrides };
}

describe('Shapes generator', () => {
  it('reproduces images and factors exactly from the same seed', () => {
    const first = generateShapes({ count: 50, size: 28, color: true, seed: 7 });
    const second = generateShapes({ count: 50, size: 28, color: true, seed: 7 });
    expect(firstDifference(second.dataset.images, first.dataset.images)).toBe(-1);
    expect(second.dataset.labels).toEqual(first.dataset.labels);
    for (const name of SHAPE_FACTOR_NAMES) {
      const firstFactor = first.factors[name];
      const secondFactor = second.factors[name];
      expect(firstFactor).toBeDefined();
      expect(firstDifference(secondFactor as ArrayLike<number>, firstFactor as ArrayLike<number>)).toBe(-1);
    }
  });

  it('gives different images with another seed', () => {
    const first = generateShapes({ count: 50, size: 28, color: false, seed: 7 });
    const other = generateShapes({ count: 50, size: 28, color: false, seed: 8 });
    expect(firstDifference(other.dataset.images, first.dataset.images)).not.toBe(-1);
    expect(firstDifference(other.factors.x, first.factors.x)).not.toBe(-1);
  });

  it('labels each image with its shape kind and stores the shape the caller asked for', () => {
    const { dataset, factors } = generateShapes({ count: 300, size: 32, color: true, seed: 1 });
    expect(dataset.shape).toEqual([32, 32, 3]);
    expect(dataset.images.length).toBe(300 * 32 * 32 * 3);
    expect(dataset.classNames).toEqual([...SHAPE_KINDS]);
    expect(dataset.labels).toEqual(factors.shape);
    // Every kind turns up in a few hundred draws.
    expect(new Set(dataset.labels).size).toBe(SHAPE_KINDS.length);
  });

  it('keeps every factor in its documented range and every figure inside the frame', () => {
    const { factors } = generateShapes({ count: 300, size: 28, color: true, seed: 3 });
    for (let index = 0; index < 300; index++) {
      const scale = factors.scale[index];
      expect(scale).toBeGreaterThanOrEqual(SHAPE_SCALE_RANGE[0] - 1e-6);
      expect(scale).toBeLessThanOrEqual(SHAPE_SCALE_RANGE[1] + 1e-6);
      expect(factors.x[index] - scale).toBeGreaterThanOrEqual(-1e-6);
      expect(factors.x[index] + scale).toBeLessThanOrEqual(1 + 1e-6);
      expect(factors.y[index] - scale).toBeGreaterThanOrEqual(-1e-6);
      expect(factors.y[index] + scale).toBeLessThanOrEqual(1 + 1e-6);
      expect(factors.rotation[index]).toBeGreaterThanOrEqual(0);
      expect(factors.rotation[index]).toBeLessThan(2 * Math.PI);
      expect(factors.hue?.[index]).toBeGreaterThanOrEqual(0);
      expect(factors.hue?.[index]).toBeLessThan(1);
    }
  });

  it('has a hue factor only in colour sets, and lists factor names to match', () => {
    const gray = generateShapes({ count: 5, size: 28, color: false, seed: 1 });
    expect(gray.factors.hue).toBeUndefined();
    expect(gray.dataset.shape).toEqual([28, 28, 1]);
    expect(shapeFactorNames(false)).toEqual(['shape', 'x', 'y', 'scale', 'rotation']);
    expect(shapeFactorNames(true)).toEqual([...SHAPE_FACTOR_NAMES]);
    expect(SHAPE_FACTOR_NAMES).toContain('hue');
  });

  it('draws the same figures in gray and in colour from the same seed', () => {
    const gray = generateShapes({ count: 20, size: 28, color: false, seed: 11 });
    const colour = generateShapes({ count: 20, size: 28, color: true, seed: 11 });
    expect(firstDifference(colour.factors.x, gray.factors.x)).toBe(-1);
    const pixels = 20 * 28 * 28;
    const colourLit = Array.from({ length: pixels }, (_, pixel) =>
      colour.dataset.images[pixel * 3] + colour.dataset.images[pixel * 3 + 1] + colour.dataset.images[pixel * 3 + 2] > 0 ? 1 : 0);
    const grayLit = Array.from({ length: pixels }, (_, pixel) => (gray.dataset.images[pixel] > 0 ? 1 : 0));
    expect(firstDifference(colourLit, grayLit)).toBe(-1);
    expect(grayLit.some((lit) => lit === 1)).toBe(true);
  });

  it('puts the centroid of the bright pixels at the recorded (x, y)', () => {
    const size = 28;
    const { dataset, factors } = generateShapes({ count: 100, size, color: false, seed: 5 });
    for (let index = 0; index < 100; index++) {
      const measured = measure(imageAt(dataset.images, index, size * size), size);
      expect(Math.abs(measured.centroidX - factors.x[index] * size)).toBeLessThan(0.35);
      expect(Math.abs(measured.centroidY - factors.y[index] * size)).toBeLessThan(0.35);
    }
  });

  it('draws each kind with the area its geometry gives for the recorded scale', () => {
    const size = 32;
    const { dataset, factors } = generateShapes({ count: 150, size, color: false, seed: 9 });
    for (let index = 0; index < 150; index++) {
      const radius = factors.scale[index] * size;
      const expected = UNIT_AREA[SHAPE_KINDS[factors.shape[index]]] * radius * radius;
      const { area } = measure(imageAt(dataset.images, index, size * size), size);
      expect(Math.abs(area - expected) / expected).toBeLessThan(0.04);
    }
  });

  it('grows the lit area with the square of the scale', () => {
    for (const kind of SHAPE_KINDS) {
      const small = measure(rasteriseShape(figure(kind, { scale: 0.2, rotation: 0.3 }), 32, 1), 32).area;
      const large = measure(rasteriseShape(figure(kind, { scale: 0.4, rotation: 0.3 }), 32, 1), 32).area;
      expect(large / small).toBeGreaterThan(3.7);
      expect(large / small).toBeLessThan(4.3);
    }
  });

  it('fills its bounding box about pi/4 for a circle and fully for an upright square', () => {
    const fillRatio = (kind: ShapeKind): number => {
      const image = rasteriseShape(figure(kind, { scale: 0.4 }), 32, 1);
      let lit = 0;
      let minX = 32;
      let maxX = -1;
      let minY = 32;
      let maxY = -1;
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const value = image[y * 32 + x];
          lit += value / 255;
          if (value >= 128) {
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
          }
        }
      }
      return lit / ((maxX - minX + 1) * (maxY - minY + 1));
    };
    expect(fillRatio('circle')).toBeGreaterThan(Math.PI / 4 - 0.05);
    expect(fillRatio('circle')).toBeLessThan(Math.PI / 4 + 0.05);
    expect(fillRatio('square')).toBeGreaterThan(0.95);
  });

  it('turns a triangle by the recorded rotation (its far tip sits at rotation - 90 degrees, clockwise on screen)', () => {
    const size = 32;
    const { dataset, factors } = generateShapes({ count: 400, size, color: false, seed: 21 });
    const sector = (2 * Math.PI) / 3;
    let checked = 0;
    for (let index = 0; index < 400; index++) {
      if (SHAPE_KINDS[factors.shape[index]] !== 'triangle' || factors.scale[index] < 0.3) continue;
      const image = imageAt(dataset.images, index, size * size);
      const centreX = factors.x[index] * size;
      const centreY = factors.y[index] * size;
      let farthest = -1;
      let tipAngle = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          if (image[y * size + x] < 128) continue;
          const distance = Math.hypot(x + 0.5 - centreX, y + 0.5 - centreY);
          if (distance > farthest) {
            farthest = distance;
            tipAngle = Math.atan2(y + 0.5 - centreY, x + 0.5 - centreX);
          }
        }
      }
      // The three tips are 120 degrees apart, so compare modulo one sector.
      const difference = tipAngle - (factors.rotation[index] - Math.PI / 2);
      const wrapped = ((difference % sector) + sector + sector / 2) % sector - sector / 2;
      expect(Math.abs(wrapped)).toBeLessThan(0.3);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('colours fully covered pixels with the recorded hue on a black background', () => {
    const size = 28;
    const { dataset, factors } = generateShapes({ count: 30, size, color: true, seed: 4 });
    const bytes = size * size * 3;
    for (let index = 0; index < 30; index++) {
      const image = imageAt(dataset.images, index, bytes);
      const expected = hueToRgb(factors.hue?.[index] ?? -1);
      let brightest = [0, 0, 0];
      for (let pixel = 0; pixel < size * size; pixel++) {
        const rgb = [image[pixel * 3], image[pixel * 3 + 1], image[pixel * 3 + 2]];
        if (rgb[0] + rgb[1] + rgb[2] > brightest[0] + brightest[1] + brightest[2]) brightest = rgb;
      }
      expect(brightest).toEqual(expected);
      expect([image[0], image[1], image[2]]).toEqual([0, 0, 0]); // corners stay black
    }
  });

  it('maps hues around the wheel: 0 red, 1/3 green, 2/3 blue', () => {
    expect(hueToRgb(0)).toEqual([255, 0, 0]);
    expect(hueToRgb(1 / 3)).toEqual([0, 255, 0]);
    expect(hueToRgb(2 / 3)).toEqual([0, 0, 255]);
  });

  it('refuses a non-positive count or an unusable size', () => {
    expect(() => generateShapes({ count: 0, size: 28, color: false, seed: 1 })).toThrow(RangeError);
    expect(() => generateShapes({ count: 1, size: 4, color: false, seed: 1 })).toThrow(RangeError);
    expect(() => generateShapes({ count: 1, size: 28.5, color: false, seed: 1 })).toThrow(RangeError);
  });
});
