// The page's handle on one bottleneck sweep: starts its worker with copies of the data, forwards
// its events, and cancels by ending the worker (a training step cannot be interrupted otherwise).
import type { SweepEvent, SweepRequest } from './sweepProtocol';
import { sweepTransferables } from './sweepProtocol';

export class SweepRun {
  private worker: Worker | null;

  constructor(request: SweepRequest, onEvent: (event: SweepEvent) => void) {
    this.worker = new Worker(new URL('./sweepWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data }: MessageEvent<SweepEvent>) => {
      onEvent(data);
      if (data.type === 'done' || data.type === 'error') this.stop();
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      onEvent({ type: 'error', message: `The sweep worker stopped (${event.message || 'unknown error'}).` });
      this.stop();
    };
    this.worker.postMessage(request, sweepTransferables(request));
  }

  get running(): boolean {
    return this.worker !== null;
  }

  /** End the sweep now; no more events arrive. */
  stop(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
