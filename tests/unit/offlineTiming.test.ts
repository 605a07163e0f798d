import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { whenPageSettles } from '../../src/offline/offlineTiming';
import type { AppState } from '../../src/state/appState';

type Watched = Pick<AppState, 'dataset' | 'status'>;

/** A store holding just what the timing looks at, with a way to change it. */
function fakeStore(initial: Watched) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: Partial<Watched>) {
      state = { ...state, ...next };
      listeners.forEach((listener) => listener());
    },
    listenerCount: () => listeners.size,
  };
}

const DATA = {} as NonNullable<AppState['dataset']>;

describe('whenPageSettles', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  async function settledBy(promise: Promise<void>): Promise<boolean> {
    let settled = false;
    void promise.then(() => (settled = true));
    await Promise.resolve();
    return settled;
  }

  it('waits for data and a built model, then for a quiet moment', async () => {
    const store = fakeStore({ dataset: null, status: 'preparing' });
    const settles = whenPageSettles(store, { quietMs: 2000, maxWaitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(await settledBy(settles)).toBe(false);
    store.set({ dataset: DATA, status: 'idle' });
    await vi.advanceTimersByTimeAsync(1999);
    expect(await settledBy(settles)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settledBy(settles)).toBe(true);
    expect(store.listenerCount()).toBe(0);
  });

  it('starts the quiet time again whenever training starts', async () => {
    const store = fakeStore({ dataset: DATA, status: 'idle' });
    const settles = whenPageSettles(store, { quietMs: 2000, maxWaitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(1500);
    store.set({ status: 'training' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await settledBy(settles)).toBe(false);
    store.set({ status: 'done' });
    await vi.advanceTimersByTimeAsync(1000);
    // Unrelated changes while quiet do not restart the wait.
    store.set({ status: 'done' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await settledBy(settles)).toBe(true);
  });

  it('gives up waiting after the longest wait, even while training', async () => {
    const store = fakeStore({ dataset: DATA, status: 'training' });
    const settles = whenPageSettles(store, { quietMs: 2000, maxWaitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(await settledBy(settles)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settledBy(settles)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
