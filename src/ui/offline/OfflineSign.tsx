// A quiet sign in the header that says whether the page would load and train with the network off,
// so a teacher knows when it is safe to unplug. Announced politely: it changes at most a few times.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { OfflinePhase, OfflineState } from '../../offline/offlineState';

export const OfflineContext = createContext<OfflineState | null>(null);

const WORDS: Record<OfflinePhase, string> = {
  unsupported: '',
  pending: 'Not stored for offline use yet',
  storing: 'Storing for offline use…',
  ready: 'Available offline',
  update: 'Updating…',
  unavailable: 'Not available offline',
};

const TITLES: Partial<Record<OfflinePhase, string>> = {
  pending: 'The app stores itself when the page is idle (or now, with the button); after that it loads and trains with the network off.',
  ready: 'The app and the built-in digits are stored in this browser: it loads and trains with the network off.',
  update: "A new version of the app is stored. Reload into it when it suits you: the page resumes from this training's latest autosave.",
};

export function OfflineSign() {
  const offline = useContext(OfflineContext);
  const phase = useSyncExternalStore(
    (listener) => offline?.subscribe(listener) ?? (() => undefined),
    () => offline?.get().phase ?? 'unsupported',
  );
  if (!offline || phase === 'unsupported') return null;
  return (
    <p className={`offline-sign offline-${phase}`}>
      <span role="status" aria-live="polite" title={TITLES[phase]}>
        {WORDS[phase]}
      </span>
      {phase === 'pending' ? (
        <button type="button" className="link-button" onClick={() => offline.storeNow()}>
          Store now
        </button>
      ) : null}
      {phase === 'update' ? (
        <button type="button" className="link-button" onClick={() => offline.reloadIntoUpdate()}>
          Reload into the new version
        </button>
      ) : null}
    </p>
  );
}
