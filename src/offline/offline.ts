/// <reference types="vite-plugin-pwa/client" />
// Registers the service worker that keeps the app working offline (see vite.config.ts). A module
// import, so no inline script is needed; in development the virtual module does nothing.
import { registerSW } from 'virtual:pwa-register';

/** Register once `when` resolves: the first install is heavy (see offlineTiming.ts). */
export function registerOfflineSupport(onProblem: (text: string) => void, when: Promise<void>): void {
  if (!('serviceWorker' in navigator)) return;
  void when.then(() =>
    registerSW({
      immediate: true,
      onRegisterError: (error: unknown) => onProblem(`Offline use is not available: the service worker did not register (${error instanceof Error ? error.message : String(error)}).`),
    }),
  );
}
