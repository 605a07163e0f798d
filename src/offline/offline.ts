/// <reference types="vite-plugin-pwa/client" />
// Registers the service worker that keeps the app working offline (see vite.config.ts) and tells
// the page where that stands, for the header's quiet sign (ui/offline/OfflineSign.tsx). A module
// import, so no inline script is needed; in development the virtual module does nothing.
import { registerSW } from 'virtual:pwa-register';
import { OfflineState } from './offlineState';

export interface OfflineOptions {
  /** Resolves when the page is quiet enough for the first install (offlineTiming.ts). */
  when: Promise<void>;
  /** Install at once (a link's `offline=now`, for a teacher preparing a room). */
  now: boolean;
  onProblem: (text: string) => void;
}

/** Starts offline support and returns its state; without service workers it stays 'unsupported'. */
export function startOfflineSupport({ when, now, onProblem }: OfflineOptions): OfflineState {
  const state = new OfflineState();
  if (!('serviceWorker' in navigator)) return state;
  state.set({ phase: 'pending' });
  let requested: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => {
    requested = resolve;
  });
  state.onStoreNow(() => requested());
  if (now) requested();

  // What a registration shows: a waiting version is an update; an active one holds the app (Workbox
  // activates only after storing every file). An update, once seen, is what the sign keeps saying.
  const show = (registration: ServiceWorkerRegistration | undefined) => {
    if (registration?.waiting) state.set({ phase: 'update' });
    else if (registration?.active && state.get().phase !== 'update') state.set({ phase: 'ready' });
  };
  // A service worker from an earlier visit already holds the app: say so from the start.
  void navigator.serviceWorker.getRegistration().then(show);

  void Promise.race([when, asked]).then(() => {
    if (state.get().phase === 'pending') state.set({ phase: 'storing' });
    const update = registerSW({
      immediate: true,
      // The first install has stored every file the app needs (Workbox installs all or nothing).
      onOfflineReady: () => {
        if (state.get().phase !== 'update') state.set({ phase: 'ready' });
      },
      // A new version is stored and waiting; it takes over only when the visitor reloads into it,
      // never in the middle of a lesson.
      onNeedRefresh: () => state.set({ phase: 'update' }),
      onRegisteredSW: (_url, registration) => show(registration),
      onRegisterError: (error: unknown) => {
        state.set({ phase: 'unavailable' });
        onProblem(`Offline use is not available: the service worker did not register (${error instanceof Error ? error.message : String(error)}).`);
      },
    });
    state.onReload(() => void update(true));
  });
  return state;
}
