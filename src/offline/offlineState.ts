// Where offline use stands, as the header's sign shows it, and the two things the sign can ask:
// store the app now, or reload into a waiting new version. Kept apart from the app's store: it
// concerns the page and its service worker, not the model or the training.

export type OfflinePhase =
  /** No service workers in this browser (or a private window that refuses them). */
  | 'unsupported'
  /** Waiting for a quiet moment before storing the app (offlineTiming.ts). */
  | 'pending'
  /** The service worker is storing the app and the built-in data. */
  | 'storing'
  /** Everything is stored: the page loads and trains with the network off. */
  | 'ready'
  /** A new version is stored and waits for a reload. */
  | 'update'
  /** Registration failed; a notice says why. */
  | 'unavailable';

export interface OfflineView {
  phase: OfflinePhase;
}

export class OfflineState {
  private view: OfflineView = { phase: 'unsupported' };
  private readonly listeners = new Set<() => void>();
  private storeNowHandler: (() => void) | null = null;
  private reloadHandler: (() => void) | null = null;

  get(): OfflineView {
    return this.view;
  }

  set(view: OfflineView): void {
    if (view.phase === this.view.phase) return;
    this.view = view;
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Store the app now instead of at the next quiet moment. */
  storeNow(): void {
    this.storeNowHandler?.();
  }

  /** Reload the page into the waiting version. */
  reloadIntoUpdate(): void {
    this.reloadHandler?.();
  }

  onStoreNow(handler: () => void): void {
    this.storeNowHandler = handler;
  }

  onReload(handler: () => void): void {
    this.reloadHandler = handler;
  }
}
