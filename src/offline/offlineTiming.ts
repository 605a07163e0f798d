// When to set up offline use. The service worker's first install downloads and stores the whole
// built app (tens of MB: every wasm build, each worker's bundle, the digits). On a 2-core machine
// that took CPU from opening the page (Train was enabled later) and from the first seconds of
// training (page tasks of 80+ ms while it ran), so it waits for a quiet moment instead.
import type { AppState } from '../state/appState';

/** How long the page must stay ready and not training before the install starts. */
export const QUIET_MS = 2_000;
/** The latest it starts after the page opened, quiet or not: a long run must not keep it out. */
export const MAX_WAIT_MS = 120_000;

interface StateSource {
  getState(): Pick<AppState, 'dataset' | 'status'>;
  subscribe(listener: () => void): () => void;
}

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Ready (data and a built model) and not training or building one. */
function isQuiet(state: Pick<AppState, 'dataset' | 'status'>): boolean {
  return state.dataset !== null && (state.status === 'idle' || state.status === 'paused' || state.status === 'done');
}

/**
 * Resolves once the page has been quiet for `quietMs`, or `maxWaitMs` after the call, whichever
 * comes first.
 */
export function whenPageSettles(source: StateSource, { quietMs = QUIET_MS, maxWaitMs = MAX_WAIT_MS } = {}, timers: Timers = globalThis): Promise<void> {
  return new Promise((resolve) => {
    let quietTimer: unknown = null;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      unsubscribe();
      if (quietTimer !== null) timers.clearTimeout(quietTimer);
      timers.clearTimeout(latest);
      resolve();
    };
    const look = () => {
      if (finished) return;
      if (!isQuiet(source.getState())) {
        if (quietTimer !== null) timers.clearTimeout(quietTimer);
        quietTimer = null;
      } else if (quietTimer === null) {
        quietTimer = timers.setTimeout(finish, quietMs);
      }
    };
    const latest = timers.setTimeout(finish, maxWaitMs);
    const unsubscribe = source.subscribe(look);
    look();
  });
}
