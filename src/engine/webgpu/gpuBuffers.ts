// Every GPU buffer the WGSL step makes goes through here, so that dispose frees all of them and
// tests can see that model switches leave none behind.

let liveBuffers = 0;

/** GPU buffers made by WGSL steps and not yet destroyed, in this thread: steady across model switches. */
export function liveGpuBufferCount(): number {
  return liveBuffers;
}

/** The buffers of one owner (a step), destroyed together. */
export class GpuBuffers {
  private readonly owned = new Set<GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  /** A buffer of `bytes` (rounded up to 4), counted until `destroy` or `destroyAll`. */
  make(label: string, bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const buffer = this.device.createBuffer({ label, size: Math.max(4, Math.ceil(bytes / 4) * 4), usage });
    this.owned.add(buffer);
    liveBuffers += 1;
    return buffer;
  }

  /** A storage buffer holding `values`, written through the queue. */
  withData(label: string, values: ArrayBufferView<ArrayBuffer>, usage: GPUBufferUsageFlags): GPUBuffer {
    const buffer = this.make(label, values.byteLength, usage | GPUBufferUsage.COPY_DST);
    // writeBuffer needs a size that is a multiple of 4: the tail of a byte array is padded.
    const padded = values.byteLength % 4 === 0 ? values : padTo4(values);
    this.device.queue.writeBuffer(buffer, 0, padded.buffer, padded.byteOffset, padded.byteLength);
    return buffer;
  }

  destroy(buffer: GPUBuffer): void {
    if (!this.owned.delete(buffer)) return;
    liveBuffers -= 1;
    buffer.destroy();
  }

  /** Destroys every buffer still owned; on a lost device destroy still succeeds, so the count stays right. */
  destroyAll(): void {
    for (const buffer of [...this.owned]) this.destroy(buffer);
  }
}

function padTo4(values: ArrayBufferView<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Math.ceil(values.byteLength / 4) * 4);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return bytes;
}
