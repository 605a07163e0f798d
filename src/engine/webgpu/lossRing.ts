// The loss terms of steps not read yet. Each step's shader writes its terms into its own row of
// one storage buffer; a read copies the rows written so far into one of a small ring of mappable
// buffers and maps it, so steps go on (from row 0) while the map is under way, and no step ever
// waits for a map. Reading every N steps costs one map per N steps instead of one per step.
import type { GpuBuffers } from './gpuBuffers';

export class LossRing {
  readonly terms: GPUBuffer;
  private rows = 0;
  private next = 0;
  private readonly slots: { buffer: GPUBuffer; busy: Promise<void> | null }[];

  constructor(
    private readonly device: GPUDevice,
    buffers: GpuBuffers,
    private readonly floatsPerStep: number,
    /** Steps that can wait unread; a step past that throws (read at least this often). */
    readonly capacity: number,
    ringSize = 2,
  ) {
    const bytes = capacity * floatsPerStep * 4;
    this.terms = buffers.make('loss terms', bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    this.slots = Array.from({ length: ringSize }, (_, i) => ({
      buffer: buffers.make(`loss read-back ${i}`, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
      busy: null,
    }));
  }

  get pending(): number {
    return this.rows;
  }

  /** The row the next step writes its terms into. */
  claimRow(): number {
    if (this.rows >= this.capacity) throw new Error(`The WGSL step keeps at most ${this.capacity} steps' loss unread: read it first.`);
    return this.rows++;
  }

  /** Gives back a row claimed by a step that was not submitted. */
  releaseRow(): void {
    this.rows -= 1;
  }

  /** The terms of every step written so far, oldest first; steps taken while this maps stay for the next read. */
  async read(): Promise<Float32Array[]> {
    const slot = this.slots[this.next];
    this.next = (this.next + 1) % this.slots.length;
    // A ring slot still mapping from an earlier read is waited for, not overwritten.
    while (slot.busy) await slot.busy;
    const rows = this.rows;
    if (rows === 0) return [];
    const bytes = rows * this.floatsPerStep * 4;
    const encoder = this.device.createCommandEncoder({ label: 'loss read-back' });
    encoder.copyBufferToBuffer(this.terms, 0, slot.buffer, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    this.rows = 0;
    let values: Float32Array;
    const mapped = slot.buffer.mapAsync(GPUMapMode.READ, 0, bytes);
    slot.busy = mapped.then(
      () => undefined,
      () => undefined,
    );
    try {
      await mapped;
      values = new Float32Array(slot.buffer.getMappedRange(0, bytes).slice(0));
      slot.buffer.unmap();
    } finally {
      slot.busy = null;
    }
    return Array.from({ length: rows }, (_, i) => values.subarray(i * this.floatsPerStep, (i + 1) * this.floatsPerStep));
  }
}
