// What each event of the training worker becomes on the page: most a store action, some a notice;
// a new set of codes goes on to the map builder.
import type { BrowserGap, WorkerEvent } from '../train/protocol';
import type { Action, Notice } from './appState';

/** Where the events go; the controller passes its store and map builder in. */
export interface WorkerEventTargets {
  dispatch(action: Action): void;
  notify(kind: Notice['kind'], text: string): void;
  /** New codes of every image: the next map is built from them. */
  acceptLatents(codes: Float32Array, latentDim: number, globalStep: number, logVar?: Float32Array): void;
  /** Whether the map is coloured by reconstruction error; only then are the errors kept. */
  colouringByError(): boolean;
  /** The page's decoder copy's version, read once new weights have reached it. */
  decoderVersion(): number;
  /** What this browser lacks; the controller says so once a page. */
  browserGaps(gaps: readonly BrowserGap[]): void;
}

export function routeWorkerEvent(event: WorkerEvent, to: WorkerEventTargets): void {
  switch (event.type) {
    case 'status':
      to.dispatch({ type: 'status', status: event.status });
      return;
    case 'backends':
      to.dispatch({ type: 'backends', chosen: event.chosen, reports: event.reports, how: event.how });
      return;
    case 'backend-fallback':
      to.notify('warning', event.message);
      return;
    case 'backend-moved':
    case 'engine-passed-over':
      to.notify('info', event.message);
      return;
    case 'browser-gaps':
      to.browserGaps(event.gaps);
      return;
    case 'progress':
      to.dispatch({ type: 'progress', figures: event.figures });
      return;
    case 'epoch-end':
      to.dispatch({
        type: 'epoch-end',
        point: {
          epoch: event.epoch,
          train: event.trainLoss,
          heldOut: event.heldOutLoss,
          trainTerms: event.trainTerms,
          heldOutTerms: event.heldOutTerms,
        },
      });
      return;
    case 'code-activations':
      to.dispatch({ type: 'code-activations', values: event.values, latentDim: event.latentDim });
      return;
    case 'latents':
      to.acceptLatents(event.codes, event.latentDim, event.globalStep, event.logVar);
      return;
    case 'reconstructions':
      to.dispatch({ type: 'reconstructions', indices: event.indices, pixels: event.pixels, noisy: event.noisy });
      return;
    case 'reconstruction-errors':
      if (to.colouringByError()) to.dispatch({ type: 'reconstruction-errors', errors: event.errors });
      return;
    case 'decoder-weights':
      to.dispatch({ type: 'decoder-updated', version: to.decoderVersion() });
      return;
    case 'error':
      to.notify('error', event.message);
      return;
  }
}
