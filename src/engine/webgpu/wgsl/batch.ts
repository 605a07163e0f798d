// Cuts a batch from the dataset on the GPU: the image bytes were uploaded once, packed four to a
// word, with the order of the epoch; each thread reads one value of one image, scales it through
// a 256-entry table (the exact float32 values of byte / 255 that the CPU path computes) and
// writes the clean target and the encoder's input, noisy for the denoising kind.
import { FLAT_INDEX, RANDOM } from './common';
import { STEP_WGSL } from './step';

export const NOISE_CODES = { none: 0, gaussian: 1, masking: 2, 'salt-pepper': 3 } as const;

/** u32 fields rows, width, noise, channels; then f32 level. */
export const BATCH_WGSL = /* wgsl */ `
${STEP_WGSL}
struct Dims { rows: u32, width: u32, noise: u32, channels: u32, level: f32 }

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<uniform> current: Step;
@group(0) @binding(2) var<storage, read> pixels: array<u32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> order: array<u32>;
@group(0) @binding(5) var<storage, read_write> clean: array<f32>;
@group(0) @binding(6) var<storage, read_write> input: array<f32>;

${FLAT_INDEX}
${RANDOM}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let i = flatIndex(wg, groups, local);
  if (i >= dims.rows * dims.width) { return; }
  let row = i / dims.width;
  let image = order[current.orderOffset + row];
  let at = image * dims.width + (i % dims.width);
  let byte = (pixels[at / 4u] >> ((at % 4u) * 8u)) & 255u;
  let value = scale[byte];
  clean[i] = value;
  // Masking and salt-and-pepper draw once per pixel, so every channel of a pixel is hit alike.
  let pixel = i / dims.channels;
  switch dims.noise {
    case 1u: { input[i] = clamp(value + dims.level * normalAt(current.seed, i), 0.0, 1.0); }
    case 2u: { input[i] = select(0.0, value, uniformAt(current.seed, pixel) >= dims.level); }
    case 3u: {
      let draw = uniformAt(current.seed, pixel);
      let hit = select(0.0, 1.0, draw < dims.level);
      let salt = select(0.0, 1.0, draw < dims.level / 2.0);
      input[i] = value * (1.0 - hit) + salt;
    }
    default: { input[i] = value; }
  }
}
`;
