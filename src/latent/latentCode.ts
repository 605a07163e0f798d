// A latent code that has been checked against the model it is meant for. Every way from a map
// position (or a slider, a drawing, an interpolation) to the decoder goes through `asLatentCode`,
// so a code of the wrong size (say, from the map of a model that was just replaced) never reaches it.

declare const checked: unique symbol;

/** `latentDim` values, one code for the current model; only `asLatentCode` makes one. */
export type LatentCode = Float32Array & { readonly [checked]: 'latent-code' };

/** The same values as a LatentCode when there are exactly `latentDim` of them, all finite; else null. */
export function asLatentCode(values: Float32Array | null | undefined, latentDim: number): LatentCode | null {
  if (!values || values.length !== latentDim || latentDim < 1) return null;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return null;
  return values as LatentCode;
}

/** True when `codes` holds exactly `count` codes of `latentDim` values each. */
export function holdsCodes(codes: Float32Array, count: number, latentDim: number): boolean {
  return Number.isInteger(count) && count >= 0 && latentDim >= 1 && codes.length === count * latentDim;
}
