// Writes session files in a worker (zipWorker.ts), so neither autosaves nor Save block the page.
// Where a worker cannot start or stops, the file is written on this thread instead: a save must
// never fail for the way it is made (a save in flight when the worker stops is reported, not lost silently).
import type { SessionContents } from './sessionFormat';
import { writeSessionZip } from './sessionWrite';
import type { ZipReply, ZipRequest } from './zipProtocol';

export type ZipLevel = 0 | 1 | 6;

/** Anything that turns a session into zip bytes (a test passes the plain function). */
export interface SessionWriter {
  write(contents: SessionContents, level: ZipLevel): Promise<Uint8Array>;
  dispose(): void;
}

/** Writes on the calling thread: Node tests, and the fallback. */
export const writeOnThisThread: SessionWriter = {
  write: (contents, level) => Promise.resolve(writeSessionZip(contents, { level })),
  dispose: () => undefined,
};

export class SessionZipper implements SessionWriter {
  private worker: Worker | null = null;
  /** Set once a worker could not start or stopped: later files are written on this thread. */
  private workerFailed = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();

  constructor(private readonly makeWorker: () => Worker = () => new Worker(new URL('./zipWorker.ts', import.meta.url), { type: 'module' })) {}

  /**
   * The session as zip bytes. The contents' training arrays are moved to the worker (transferred),
   * so the caller must not use them afterwards; the dataset's own arrays are copied, never moved.
   */
  write(contents: SessionContents, level: ZipLevel): Promise<Uint8Array> {
    const worker = this.start();
    if (!worker) return writeOnThisThread.write(contents, level);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: ZipRequest = { id, contents, level };
      try {
        worker.postMessage(request, trainingBuffers(contents));
      } catch {
        // Not cloneable here (it should always be): write it on this thread instead.
        this.pending.delete(id);
        writeOnThisThread.write(contents, level).then(resolve, reject);
      }
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(new Error('The session writer was closed.'));
    this.pending.clear();
  }

  private start(): Worker | null {
    if (this.worker || this.workerFailed) return this.worker;
    try {
      const worker = this.makeWorker();
      worker.onmessage = (event: MessageEvent<ZipReply>) => this.receive(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        this.fallBack();
      };
      this.worker = worker;
    } catch {
      this.workerFailed = true;
    }
    return this.worker;
  }

  private receive(reply: ZipReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    if ('bytes' in reply) job.resolve(reply.bytes);
    else job.reject(new Error(reply.error));
  }

  /**
   * The worker stopped: later files are written on this thread. The saves it was writing fail with
   * a message (their training arrays moved to the worker and went with it); the next one, made from
   * fresh arrays, succeeds.
   */
  private fallBack(): void {
    this.worker?.terminate();
    this.worker = null;
    this.workerFailed = true;
    for (const { reject } of this.pending.values()) reject(new Error('the session writer stopped; the next save is written on the page'));
    this.pending.clear();
  }
}

/** The buffers of the training state's arrays, each once (two views of one buffer move together). */
function trainingBuffers(contents: SessionContents): ArrayBuffer[] {
  const { training } = contents;
  const arrays = [...training.encoder.values, ...training.decoder.values, ...training.optimizer.firstMoments.values, ...training.optimizer.secondMoments.values];
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  return [...buffers];
}
