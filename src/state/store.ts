// A tiny external store: plain immutable state, one reducer, subscribers.
// React components read slices of it with `useStoreSelector`, which re-renders only when the slice changes.
import { useSyncExternalStore } from 'react';

export interface Store<State, Action> {
  getState(): State;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<State, Action>(
  reducer: (state: State, action: Action) => State,
  initial: State,
): Store<State, Action> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Subscribe a component to one slice of the store. The selector must return stored references. */
export function useStoreSelector<State, Action, Slice>(store: Store<State, Action>, selector: (state: State) => Slice): Slice {
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}
