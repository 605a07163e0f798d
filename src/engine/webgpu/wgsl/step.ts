// The uniform that changes every step, written once per step through the queue: where the batch
// starts in the uploaded order, the noise's seed, the row of the loss terms, and Adam's constants.

/** Bytes of the step uniform (six 4-byte fields, padded). */
export const STEP_UNIFORM_BYTES = 32;

export const STEP_WGSL = /* wgsl */ `
struct Step {
  orderOffset: u32,
  seed: u32,
  termsRow: u32,
  unused: u32,
  stepSize: f32,
  epsilon: f32,
}
`;

export interface StepValues {
  orderOffset: number;
  seed: number;
  termsRow: number;
  stepSize: number;
  epsilon: number;
}

export function stepUniform(values: StepValues): ArrayBuffer {
  const bytes = new ArrayBuffer(STEP_UNIFORM_BYTES);
  const words = new Uint32Array(bytes);
  const floats = new Float32Array(bytes);
  words[0] = values.orderOffset;
  words[1] = values.seed >>> 0;
  words[2] = values.termsRow;
  floats[4] = values.stepSize;
  floats[5] = values.epsilon;
  return bytes;
}
