// One-off copies of a GPU buffer's contents to the CPU, for weights, moments and the checks in
// tests: not for the step loop, which reads only the loss, through its ring.
import type { GpuBuffers } from './gpuBuffers';

/** `floats` values of `source` from float `offset`, through a temporary mappable buffer. */
export async function readFloats(device: GPUDevice, buffers: GpuBuffers, source: GPUBuffer, floats: number, offset = 0): Promise<Float32Array> {
  const bytes = floats * 4;
  const staging = buffers.make('read-back', bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  try {
    const encoder = device.createCommandEncoder({ label: 'read-back' });
    encoder.copyBufferToBuffer(source, offset * 4, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    return values;
  } finally {
    buffers.destroy(staging);
  }
}
