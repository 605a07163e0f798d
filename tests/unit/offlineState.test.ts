import { describe, expect, it, vi } from 'vitest';
import { OfflineState } from '../../src/offline/offlineState';

describe("offline use's state, as the header's sign reads it", () => {
  it('starts unsupported, tells listeners of each change once, and not of a repeat', () => {
    const state = new OfflineState();
    expect(state.get().phase).toBe('unsupported');
    const listener = vi.fn();
    const stop = state.subscribe(listener);
    state.set({ phase: 'pending' });
    state.set({ phase: 'pending' });
    state.set({ phase: 'ready' });
    expect(listener).toHaveBeenCalledTimes(2);
    stop();
    state.set({ phase: 'update' });
    expect(listener).toHaveBeenCalledTimes(2);
    expect(state.get().phase).toBe('update');
  });

  it("passes the sign's two requests to whoever registered the service worker, and does nothing before", () => {
    const state = new OfflineState();
    expect(() => state.storeNow()).not.toThrow();
    expect(() => state.reloadIntoUpdate()).not.toThrow();
    const store = vi.fn();
    const reload = vi.fn();
    state.onStoreNow(store);
    state.onReload(reload);
    state.storeNow();
    state.reloadIntoUpdate();
    expect(store).toHaveBeenCalledTimes(1);
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
