// Seeded random source. Every random choice in the app (data split, weight init, noise, sampling)
// draws from one of these, so a seed reproduces a run. Never use Math.random for model work.

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number;
  /** Standard normal sample (Box-Muller). */
  normal(): number;
  /** A fresh 32-bit seed, for handing to tfjs initialisers and ops that take a numeric seed. */
  nextSeed(): number;
}

/** mulberry32: small, fast, good enough for shuffles and initialisation; 32-bit state. */
export function createRng(seed: number): Rng {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spareNormal: number | null = null;
  return {
    next,
    nextInt: (maxExclusive) => Math.floor(next() * maxExclusive),
    normal: () => {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      const u = Math.max(next(), 1e-12);
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    nextSeed: () => Math.floor(next() * 2147483647),
  };
}

/** In-place Fisher-Yates shuffle driven by the given random source. */
export function shuffleInPlace<T>(items: T[] | Int32Array | Uint32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
}
