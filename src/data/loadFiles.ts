// The main-thread side of loading data: read the chosen files, hand them to the loading worker,
// and report its progress, so the page stays responsive however large the files are.
import type { Dataset } from './dataset';
import { generateShapes } from './shapes';
import { factorColumns } from './dataset';
import { emojiLoadReport } from './emoji';
import { assertFileSizeAllowed } from './parsers/detect';
import { DataFileError, type LoadReport } from './parsers/errors';
// Types only: importing the worker module's code here would run its message handler on the page.
import type { GeneratedName, ImageTarget, LoadEvent, LoadRequest } from './loadWorker';

export type { GeneratedName, ImageTarget } from './loadWorker';
export type { LoadReport, SkippedItem } from './parsers/errors';

/** How far a load has got; `stage` is a few words for the user ("Decoding images"). */
export interface LoadProgress {
  stage: string;
  done: number;
  total: number;
}

/**
 * A file with the path it should be known by. Files from a folder picker carry it in
 * webkitRelativePath; files from a dropped folder are walked by hand and carry it here, since the
 * folder names are the class labels.
 */
export interface PathedFile {
  file: File;
  path: string;
}

export type DataFile = File | PathedFile;

/** Images in each built-in Shapes set: as many as the built-in digits. */
export const GENERATED_COUNT = 10_000;

/** All files of one load together; the bytes are held in memory twice at most while parsing. */
export const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/**
 * Read `files` and build one dataset from them in a worker. Rejects with an Error whose message
 * names the file and what is wrong; nothing outside this call is changed either way.
 */
export async function loadDataFiles(
  files: readonly DataFile[] | FileList,
  target: ImageTarget,
  onProgress: (progress: LoadProgress) => void = () => {},
): Promise<LoadReport> {
  const chosen = Array.from(files as ArrayLike<DataFile>, (item) => (item instanceof File ? { file: item, path: item.webkitRelativePath || item.name } : item));
  if (chosen.length === 0) throw new Error('No files were chosen.');
  // Sizes are known without reading, so a file too large for the tab is refused before it costs memory.
  let totalBytes = 0;
  for (const { file, path } of chosen) {
    assertFileSizeAllowed(path, file.size);
    totalBytes += file.size;
  }
  if (totalBytes > MAX_TOTAL_BYTES) {
    throw new Error(`The ${chosen.length} files chosen hold ${Math.round(totalBytes / (1024 * 1024))} MB together; at most ${MAX_TOTAL_BYTES / (1024 * 1024)} MB can be loaded at once.`);
  }

  const read: { name: string; bytes: ArrayBuffer }[] = [];
  for (const [index, { file, path }] of chosen.entries()) {
    onProgress({ stage: 'Reading files', done: index, total: chosen.length });
    try {
      read.push({ name: path, bytes: await file.arrayBuffer() });
    } catch (error) {
      throw new DataFileError(path, `could not be read (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return runLoadWorker({ files: read, target }, read.map((file) => file.bytes), onProgress);
}

/** Generate a built-in Shapes set on this thread (about half a second; the panel uses generateInWorker). */
export function builtInGenerated(name: GeneratedName, seed: number): Dataset {
  const color = name === 'shapes-rgb';
  const { dataset, factors } = generateShapes({ count: GENERATED_COUNT, size: color ? 32 : 28, color, seed });
  return { ...dataset, factors: factorColumns(factors) };
}

/**
 * Generate a built-in Shapes set in the loading worker, so the page does not stall while it is
 * drawn; falls back to this thread if the worker cannot start.
 */
export async function generateInWorker(name: GeneratedName, seed: number, onProgress: (progress: LoadProgress) => void = () => {}): Promise<Dataset> {
  try {
    return (await runLoadWorker({ generate: name, seed, count: GENERATED_COUNT }, [], onProgress)).dataset;
  } catch (error) {
    if (!(error instanceof WorkerStartError)) throw error;
    return builtInGenerated(name, seed);
  }
}

/** Side of the generated emoji images, as CIFAR-10's. */
export const EMOJI_SIZE = 32;
/** Jittered copies of each emoji: with the list's few hundred emoji, several thousand images. */
export const EMOJI_COPIES = 16;

/**
 * Draw the colour emoji set in the loading worker (a few seconds of canvas work the page should not
 * wait on); falls back to this thread if the worker cannot start. The report's notes say how many
 * emoji were drawn and which the font could not draw.
 */
export async function generateEmojiInWorker(seed: number, onProgress: (progress: LoadProgress) => void = () => {}): Promise<LoadReport> {
  try {
    return await runLoadWorker({ generate: 'emoji', seed, copiesPerEmoji: EMOJI_COPIES, size: EMOJI_SIZE }, [], onProgress);
  } catch (error) {
    if (!(error instanceof WorkerStartError)) throw error;
    return emojiLoadReport({
      size: EMOJI_SIZE,
      seed,
      copiesPerEmoji: EMOJI_COPIES,
      onProgress: (done, total) => onProgress({ stage: 'Drawing emoji', done, total }),
    });
  }
}

/** The loading worker itself failed (not the data): its script did not load or it crashed. */
class WorkerStartError extends Error {}

/** One worker per load: it holds the files' bytes only while it runs, and is ended when done. */
function runLoadWorker(request: LoadRequest, transfer: Transferable[], onProgress: (progress: LoadProgress) => void): Promise<LoadReport> {
  return new Promise<LoadReport>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./loadWorker.ts', import.meta.url), { type: 'module' });
    } catch (error) {
      reject(new WorkerStartError(`The data loader could not start: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    worker.onmessage = (event: MessageEvent<LoadEvent>) => {
      const message = event.data;
      if (message.type === 'progress') {
        onProgress({ stage: message.stage, done: message.done, total: message.total });
        return;
      }
      worker.terminate();
      if (message.type === 'done') resolve({ dataset: message.dataset, skipped: message.skipped, notes: message.notes });
      else reject(new Error(message.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new WorkerStartError(`The data loader stopped unexpectedly${event.message ? `: ${event.message}` : ''}.`));
    };
    worker.postMessage(request, transfer);
  });
}
