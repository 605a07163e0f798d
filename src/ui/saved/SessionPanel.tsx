// Sessions and exports: save the whole session to one file or open one, the autosaved sessions
// (open or delete each), whether the user's own images go with a save, and the three exports.
import { useId, useState, type ChangeEvent } from 'react';
import type { SessionKeeper } from '../../saved/sessionKeeper';
import { formatDate } from '../../saved/sessionKeeper';
import { useAppState, useController } from '../controllerContext';
import { useKeeperView, useSessionKeeper } from './sessionContext';
import { decodedPng, downloadBlob, lossHistoryCsv, mapPng } from './exports';
import './session.css';

export function SessionPanel() {
  const keeper = useSessionKeeper();
  return keeper ? <SessionControls keeper={keeper} /> : null;
}

function SessionControls({ keeper }: { keeper: SessionKeeper }) {
  const controller = useController();
  const view = useKeeperView(keeper);
  const id = useId();
  const hasModel = useAppState((state) => state.applied !== null && state.dataset !== null);
  const hasMap = useAppState((state) => state.map !== null);
  const hasDecoder = useAppState((state) => state.decoderVersion > 0);
  const lossCount = useAppState((state) => state.losses.length);
  const ownData = useAppState((state) => state.classroom.dataSource === 'files');
  const [saving, setSaving] = useState(false);

  const save = async () => {
    setSaving(true);
    try {
      const file = await keeper.saveToFile();
      if (file) downloadBlob(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), file.fileName);
    } finally {
      setSaving(false);
    }
  };

  const open = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = ''; // picking the same file again opens it again
    if (!file) return;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      controller.notify('error', `"${file.name}" could not be read (${String(error)}). The current session is unchanged.`);
      return;
    }
    await keeper.openFile(bytes, file.name);
  };

  const exportWith = async (make: () => Promise<Blob | null>, fileName: string, what: string) => {
    try {
      const blob = await make();
      if (blob) downloadBlob(blob, fileName);
      else controller.notify('warning', `There is no ${what} to export yet.`);
    } catch (error) {
      controller.notify('error', `The ${what} could not be exported: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const busy = view.busy || saving;
  return (
    <section className="session-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Session</h2>
      <div className="session-actions">
        <button type="button" disabled={!hasModel || busy} onClick={() => void save()}>
          Save session
        </button>
        <label className={`file-button${busy ? ' disabled' : ''}`}>
          <input type="file" accept=".zip,application/zip" disabled={busy} onChange={(event) => void open(event)} />
          Open session
        </label>
      </div>
      <label className="session-check">
        <input type="checkbox" checked={view.storeOwnData} disabled={!ownData} onChange={(event) => keeper.setStoreOwnData(event.target.checked)} />
        <span>Store my own images with the session{ownData ? '' : ' (built-in sets are never stored: they are made again)'}</span>
      </label>

      {view.waitingForFiles ? (
        <div className="session-waiting" role="status">
          <p>
            A saved session waits for its images: load <strong>{view.waitingForFiles.name}</strong> again ({view.waitingForFiles.count.toLocaleString('en-US')} images of {view.waitingForFiles.shape}) with Load data files to resume it.
          </p>
          <button type="button" onClick={() => keeper.stopWaiting()}>
            Forget it
          </button>
        </div>
      ) : null}

      <h3 id={`${id}-saved`}>Saved sessions</h3>
      {view.sessions.length === 0 ? (
        <p className="session-hint">Sessions are saved in this browser every few seconds while training, and on Pause.</p>
      ) : null}
      <ul className="session-list" aria-labelledby={`${id}-saved`}>
        {view.sessions.map((session) => {
          const name = `${session.datasetName} · ${session.kindLabel} · ${formatDate(session.savedAt)}`;
          return (
            <li key={session.id}>
              <span className="session-name">
                {name}
                <span className="session-detail">
                  step {session.globalStep.toLocaleString('en-US')}
                  {session.needsFiles ? ' · needs its files' : ''}
                </span>
              </span>
              <span className="session-item-actions">
                <button type="button" disabled={busy} aria-label={`Open ${name}`} onClick={() => void keeper.openStored(session.id)}>
                  Open
                </button>
                <button type="button" disabled={busy} aria-label={`Delete ${name}`} onClick={() => void keeper.remove(session.id)}>
                  Delete
                </button>
              </span>
            </li>
          );
        })}
      </ul>

      <h3>Export</h3>
      <div className="session-exports">
        <button type="button" disabled={!hasMap} onClick={() => void exportWith(() => mapPng(controller.store.getState()), 'latent-map.png', 'map')}>
          Export map
        </button>
        <button type="button" disabled={!hasDecoder} onClick={() => void exportWith(() => decodedPng(controller, controller.store.getState()), 'decoded-image.png', 'decoded image')}>
          Export decoded image
        </button>
        <button
          type="button"
          disabled={lossCount === 0}
          onClick={() => void exportWith(async () => new Blob([lossHistoryCsv(controller.store.getState().losses)], { type: 'text/csv' }), 'loss-history.csv', 'loss history')}
        >
          Export loss history
        </button>
      </div>
    </section>
  );
}
