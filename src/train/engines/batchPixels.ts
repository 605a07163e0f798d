// Training batches cut from the dataset's bytes in JS, for the CPU backends: tfjs wasm's GatherV2
// took 3.5 ms for 64 MNIST images (a tenth of a training step), this about 0.1 ms. The resident
// engine gathers its batches in the kernels instead (assembly/kernels.ts `gatherScaledBytes`), to
// these same numbers.

/**
 * The images at `indices` of `pixels` (0..255, `pixelsPerImage` bytes each), scaled to [0, 1] as
 * float32 image after image. Each value is the byte divided by 255 in double, rounded to float32:
 * the same numbers as the whole dataset scaled at once.
 */
export function scaledImages(pixels: Uint8Array, indices: Int32Array, pixelsPerImage: number): Float32Array {
  const values = new Float32Array(indices.length * pixelsPerImage);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * pixelsPerImage;
    const to = i * pixelsPerImage;
    for (let p = 0; p < pixelsPerImage; p++) values[to + p] = pixels[from + p] / 255;
  }
  return values;
}
