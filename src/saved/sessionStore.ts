// Where autosaved sessions live: a small interface, an IndexedDB implementation for the page and an
// in-memory one for tests. Each record is one session file (the same zip `Save session` writes).

export interface SessionSummary {
  id: string;
  /** Dataset name, e.g. "MNIST digits". */
  datasetName: string;
  /** Kind as the UI names it, e.g. "Basic". */
  kindLabel: string;
  /** ISO 8601 time of the last save. */
  savedAt: string;
  globalStep: number;
  /** The settings as a link hash, to match a reloaded page with its autosave. */
  settingsHash: string;
  /** The session needs the user's own files, which were not stored. */
  needsFiles: boolean;
  /** Size of the stored file. */
  bytes: number;
}

export interface SessionStore {
  /** Every stored session, newest first. */
  list(): Promise<SessionSummary[]>;
  /** The session file of `id`, or null if it is gone. */
  read(id: string): Promise<Uint8Array | null>;
  /** Store (or replace) a session. */
  write(summary: SessionSummary, file: Uint8Array): Promise<void>;
  remove(id: string): Promise<void>;
}

const DB_NAME = 'latent-explorer';
const DB_VERSION = 1;
const SUMMARIES = 'session-summaries';
const FILES = 'session-files';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** Summaries and files in two object stores, so listing never reads the (large) files. */
export class IndexedDbSessionStore implements SessionStore {
  private db: Promise<IDBDatabase> | null = null;

  constructor(private readonly factory: IDBFactory = indexedDB) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = this.factory.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(SUMMARIES)) db.createObjectStore(SUMMARIES, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    }).catch((error: unknown) => {
      this.db = null;
      throw error;
    });
    return this.db;
  }

  async list(): Promise<SessionSummary[]> {
    const db = await this.open();
    const summaries = await request(db.transaction(SUMMARIES, 'readonly').objectStore(SUMMARIES).getAll() as IDBRequest<SessionSummary[]>);
    return summaries.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async read(id: string): Promise<Uint8Array | null> {
    const db = await this.open();
    const file = await request(db.transaction(FILES, 'readonly').objectStore(FILES).get(id) as IDBRequest<unknown>);
    return file instanceof Uint8Array ? file : null;
  }

  async write(summary: SessionSummary, file: Uint8Array): Promise<void> {
    const db = await this.open();
    const transaction = db.transaction([SUMMARIES, FILES], 'readwrite');
    transaction.objectStore(FILES).put(file, summary.id);
    transaction.objectStore(SUMMARIES).put(summary);
    await done(transaction);
  }

  async remove(id: string): Promise<void> {
    const db = await this.open();
    const transaction = db.transaction([SUMMARIES, FILES], 'readwrite');
    transaction.objectStore(FILES).delete(id);
    transaction.objectStore(SUMMARIES).delete(id);
    await done(transaction);
  }
}

/** The same contract in memory: for tests, and for browsers where IndexedDB is unavailable. */
export class MemorySessionStore implements SessionStore {
  private readonly records = new Map<string, { summary: SessionSummary; file: Uint8Array }>();

  async list(): Promise<SessionSummary[]> {
    return [...this.records.values()].map((record) => ({ ...record.summary })).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async read(id: string): Promise<Uint8Array | null> {
    return this.records.get(id)?.file.slice() ?? null;
  }

  async write(summary: SessionSummary, file: Uint8Array): Promise<void> {
    this.records.set(summary.id, { summary: { ...summary }, file: file.slice() });
  }

  async remove(id: string): Promise<void> {
    this.records.delete(id);
  }
}

/** Keep at most `keep` sessions: the oldest beyond that are removed. */
export async function pruneSessions(store: SessionStore, keep: number): Promise<void> {
  const all = await store.list();
  for (const old of all.slice(keep)) await store.remove(old.id);
}
