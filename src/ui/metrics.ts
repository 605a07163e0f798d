// Timings the app records about itself (decode time per probe move, map frame time), kept in
// small ring buffers. The benchmark and the browser tests read them from `window.latentExplorerMetrics`.

class RingBuffer {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.values.length;
    this.filled = Math.min(this.filled + 1, this.values.length);
  }

  toArray(): number[] {
    return Array.from(this.values.subarray(0, this.filled));
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
  }
}

export const mapMetrics = {
  frameMs: new RingBuffer(600),
  framePointCounts: new RingBuffer(600),
  decodeMs: new RingBuffer(2000),
  recordFrame(ms: number, points: number): void {
    this.frameMs.push(ms);
    this.framePointCounts.push(points);
  },
  recordDecode(ms: number): void {
    this.decodeMs.push(ms);
  },
  snapshot() {
    return { frameMs: this.frameMs.toArray(), decodeMs: this.decodeMs.toArray(), framePoints: this.framePointCounts.toArray() };
  },
  clear(): void {
    this.frameMs.clear();
    this.framePointCounts.clear();
    this.decodeMs.clear();
  },
};

declare global {
  interface Window {
    latentExplorerMetrics?: typeof mapMetrics;
  }
}

if (typeof window !== 'undefined') window.latentExplorerMetrics = mapMetrics;
