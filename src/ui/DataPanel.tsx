// Choosing the data: the built-in digits, a generated Shapes or emoji set, or the user's own files (picked,
// picked as a folder, or dropped anywhere on the page). Loading runs in a worker; a load that
// fails says which file and why, and leaves the current data and model exactly as they were.
import { useEffect, useEffectEvent, useId, useState, type ChangeEvent } from 'react';
import type { Dataset } from '../data/dataset';
import {
  loadDataFiles,
  type DataFile,
  type ImageTarget,
  type LoadProgress,
  type LoadReport,
} from '../data/loadFiles';
import { limitsSentence } from '../data/limits';
import { useAppState, useController } from './controllerContext';
import { builtInSet } from './builtInSets';
import type { DataSource } from '../lesson/classroom';
import './dataPanel.css';

type Source = DataSource;
/** Skipped files listed by name in the result line; the rest are counted. */
const LISTED_SKIPS = 3;
const ACCEPTED = '.idx,.gz,.ubyte,.bin,.csv,.tsv,.zip,image/*';

interface LoadResult {
  summary: string;
  skippedLine: string | null;
  notes: string[];
}

export function DataPanel() {
  const controller = useController();
  // Which set is loaded lives in the store, since lesson steps and links choose it too.
  const source = useAppState((state) => state.classroom.dataSource);
  const setSource = (next: Source) => controller.setClassroom({ dataSource: next });
  const [loadedSet, setLoadedSet] = useState<Dataset | null>(null);
  const [size, setSize] = useState<ImageTarget['size']>(28);
  const [channels, setChannels] = useState<ImageTarget['channels']>(1);
  const [progress, setProgress] = useState<LoadProgress | null>(null);
  const [result, setResult] = useState<LoadResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const id = useId();
  const busy = progress !== null;

  const fail = (message: string) => {
    setError(message);
    const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
    controller.notify('error', `${sentence} The current data and model are unchanged.`);
  };

  const loadFiles = async (files: readonly DataFile[] | FileList) => {
    if (busy || files.length === 0) return;
    setError(null);
    setProgress({ stage: 'Reading files', done: 0, total: files.length });
    try {
      const report = await loadDataFiles(files, { size, channels }, setProgress);
      controller.useDataset(report.dataset);
      setLoadedSet(report.dataset);
      setSource('files');
      setResult(describe(report));
    } catch (caught) {
      fail(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setProgress(null);
    }
  };

  const choose = async (next: Source) => {
    if (busy || next === source) return;
    setError(null);
    if (next === 'files') {
      if (!loadedSet) return;
      controller.useDataset(loadedSet);
      setSource(next);
      return;
    }
    if (next !== 'mnist') setProgress({ stage: next === 'emoji' ? 'Drawing emoji' : 'Drawing shapes', done: 0, total: 1 });
    try {
      const set = await builtInSet(next, setProgress);
      controller.useDataset(set.dataset);
      setSource(next);
      setResult(next === 'emoji' && set.report ? describeEmoji(set.report) : null);
    } catch (caught) {
      fail(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setProgress(null);
    }
  };

  // Dropping works anywhere on the page; the handlers read the latest choices through an effect event.
  const onDrop = useEffectEvent((transfer: DataTransfer) => {
    if (busy) return;
    void filesFromDrop(transfer).then(loadFiles, (caught: unknown) => fail(`The dropped items could not be read: ${String(caught)}`));
  });
  useEffect(() => {
    let depth = 0;
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // allows the drop
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault(); // the browser would otherwise open the file in place of the app
      depth = 0;
      setDragging(false);
      onDrop(event.dataTransfer);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const onPicked = (event: ChangeEvent<HTMLInputElement>) => {
    const files = event.target.files ? Array.from(event.target.files) : [];
    // Cleared so that picking the same file again (after fixing it) loads it again.
    event.target.value = '';
    void loadFiles(files);
  };

  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <section className="data-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Data</h2>
      <div className="data-row data-row-stacked">
        <label htmlFor={`${id}-source`}>Dataset</label>
        <select id={`${id}-source`} value={source} disabled={busy} onChange={(event) => void choose(event.target.value as Source)}>
          <option value="mnist">MNIST digits (built-in)</option>
          <option value="shapes">Shapes (generated)</option>
          <option value="shapes-rgb">Shapes in colour (generated)</option>
          <option value="emoji">Emoji (colour, generated)</option>
          {loadedSet ? <option value="files">{loadedSet.name}</option> : null}
        </select>
      </div>

      <div className="data-pickers">
        <label className={`file-button${busy ? ' disabled' : ''}`}>
          <input type="file" multiple accept={ACCEPTED} disabled={busy} onChange={onPicked} />
          Load data files
        </label>
        <label className={`file-button${busy ? ' disabled' : ''}`}>
          <input type="file" multiple disabled={busy} onChange={onPicked} ref={markAsFolderPicker} />
          Load a folder
        </label>
      </div>
      <p className="data-hint">IDX, CIFAR-10 .bin, CSV, a zip of class folders, or images. You can also drop them anywhere on the page.</p>
      <p className="data-hint">{limitsSentence()}</p>

      <fieldset className="data-image-options" disabled={busy}>
        <legend>Images are fitted to</legend>
        <div className="data-row">
          <label htmlFor={`${id}-size`}>Image size</label>
          <select id={`${id}-size`} value={size} onChange={(event) => setSize(Number(event.target.value) as ImageTarget['size'])}>
            <option value={28}>28 × 28</option>
            <option value={32}>32 × 32</option>
            <option value={64}>64 × 64</option>
          </select>
        </div>
        <div className="data-row">
          <label htmlFor={`${id}-colour`}>Colour</label>
          <select id={`${id}-colour`} value={channels} onChange={(event) => setChannels(Number(event.target.value) as ImageTarget['channels'])}>
            <option value={1}>Grayscale</option>
            <option value={3}>RGB</option>
          </select>
        </div>
      </fieldset>

      {progress ? (
        <div className="data-progress">
          <div className="data-progress-head">
            <span>{progress.stage}…</span>
            {progress.total > 1 ? <span>{progress.done.toLocaleString('en-US')} / {progress.total.toLocaleString('en-US')}</span> : null}
          </div>
          <div className="progress-track" role="progressbar" aria-label="Loading data" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="progress-fill" style={{ transform: `scaleX(${(percent / 100).toFixed(4)})` }} />
          </div>
        </div>
      ) : null}

      {error ? (
        <p className="data-error" role="alert">
          {error}
          <span className="data-error-kept">The current data and model are unchanged.</span>
        </p>
      ) : null}

      {result && !error ? (
        <div className="data-result" role="status">
          <p>{result.summary}</p>
          {result.skippedLine ? <p className="data-skipped">{result.skippedLine}</p> : null}
          {result.notes.length > 0 ? (
            <ul className="data-notes">
              {result.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop data files or a folder to load them</p>
        </div>
      ) : null}
    </section>
  );
}

/** React has no prop for the folder picker's attribute, so it is set on the element itself. */
function markAsFolderPicker(input: HTMLInputElement | null): void {
  input?.setAttribute('webkitdirectory', '');
}

function describe(report: LoadReport): LoadResult {
  const { dataset, skipped } = report;
  const count = dataset.labels.length;
  const classes = dataset.classNames.length;
  const summary = `Loaded ${count.toLocaleString('en-US')} ${count === 1 ? 'image' : 'images'} in ${classes} ${classes === 1 ? 'class' : 'classes'} (${dataset.shape[0]}×${dataset.shape[1]}${dataset.shape[2] === 3 ? ' RGB' : ''}).`;
  let skippedLine: string | null = null;
  if (skipped.length > 0) {
    const listed = skipped.slice(0, LISTED_SKIPS).map((item) => `${item.file} ${item.reason}`);
    const more = skipped.length > LISTED_SKIPS ? `; and ${skipped.length - LISTED_SKIPS} more` : '';
    skippedLine = `${skipped.length} skipped: ${listed.join('; ')}${more}.`;
  }
  return { summary, skippedLine, notes: report.notes.slice(0, 3) };
}

function describeEmoji(report: LoadReport): LoadResult {
  const { dataset } = report;
  const [height, width] = dataset.shape;
  const summary = `${dataset.labels.length.toLocaleString('en-US')} images of ${width}×${height} colour emoji in ${dataset.classNames.length} classes (their Unicode groups).`;
  return { summary, skippedLine: null, notes: report.notes };
}

/**
 * The files in a drop, walking into dropped folders so their names can label the images. Entries
 * must be taken from the drop event at once (the browser empties it afterwards); reading them can wait.
 */
function filesFromDrop(transfer: DataTransfer): Promise<DataFile[]> {
  const entries = Array.from(transfer.items, (item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null));
  if (entries.every((entry) => entry === null || entry.isFile)) return Promise.resolve(Array.from(transfer.files));
  return Promise.all(entries.map((entry) => (entry ? walkEntry(entry) : Promise.resolve([])))).then((lists) => lists.flat());
}

async function walkEntry(entry: FileSystemEntry): Promise<DataFile[]> {
  const path = entry.fullPath.replace(/^\//, '');
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries hands out a directory in batches (about 100 in Chromium) until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map(walkEntry));
  return nested.flat();
}
