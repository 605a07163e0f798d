// Hands the app controller to every component, and a hook to read slices of its store.
import { createContext, useContext } from 'react';
import type { AppController } from '../state/controller';
import type { AppState } from '../state/appState';
import { useStoreSelector } from '../state/store';

export const ControllerContext = createContext<AppController | null>(null);

export function useController(): AppController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController must be used inside <ControllerContext.Provider>');
  return controller;
}

export function useAppState<Slice>(selector: (state: AppState) => Slice): Slice {
  return useStoreSelector(useController().store, selector);
}
