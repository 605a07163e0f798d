// Hands the session keeper (save, open, autosave) to the session panel.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { KeeperView, SessionKeeper } from '../../saved/sessionKeeper';

export const SessionKeeperContext = createContext<SessionKeeper | null>(null);

/** The keeper, or null where there is none (the second model of a comparison). */
export function useSessionKeeper(): SessionKeeper | null {
  return useContext(SessionKeeperContext);
}

export function useKeeperView(keeper: SessionKeeper): KeeperView {
  return useSyncExternalStore(
    (listener) => keeper.subscribe(listener),
    () => keeper.getView(),
  );
}
