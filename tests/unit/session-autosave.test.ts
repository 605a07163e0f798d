// When autosaves happen: on a clock while training, once when training stops, never two at once,
// and a failed save is reported without stopping the schedule. Also the in-memory session store.
import { describe, expect, it } from 'vitest';
import { AutosaveScheduler, type Timers } from '../../src/saved/autosave';
import { MemorySessionStore, pruneSessions, type SessionSummary } from '../../src/saved/sessionStore';

/** Timers driven by hand: `tick()` fires every interval that is running. */
function manualTimers() {
  const running = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = {
    setInterval: (callback) => {
      running.set(next, callback);
      return next++;
    },
    clearInterval: (handle) => running.delete(handle as number),
  };
  return { timers, running, tick: () => [...running.values()].forEach((callback) => callback()) };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('autosave scheduler', () => {
  it('saves on every tick while training and once more on Pause, then stops the clock', async () => {
    const { timers, running, tick } = manualTimers();
    let saves = 0;
    const scheduler = new AutosaveScheduler(async () => void saves++, 3000, () => {}, timers);
    tick();
    expect(saves).toBe(0); // nothing runs before training starts
    scheduler.statusChanged('training');
    expect(running.size).toBe(1);
    tick();
    await flush();
    tick();
    await flush();
    expect(saves).toBe(2);
    scheduler.statusChanged('paused');
    await flush();
    expect(saves).toBe(3);
    expect(running.size).toBe(0);
    tick();
    await flush();
    expect(saves).toBe(3);
  });

  it('also saves when training finishes, but not when a new model is merely prepared', async () => {
    const { timers } = manualTimers();
    let saves = 0;
    const scheduler = new AutosaveScheduler(async () => void saves++, 3000, () => {}, timers);
    scheduler.statusChanged('preparing');
    scheduler.statusChanged('idle');
    await flush();
    expect(saves).toBe(0);
    scheduler.statusChanged('training');
    scheduler.statusChanged('done');
    await flush();
    expect(saves).toBe(1);
  });

  it('never runs two saves at once; a save asked for meanwhile runs right after', async () => {
    const { timers, tick } = manualTimers();
    const gates = [deferred(), deferred()];
    let started = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const scheduler = new AutosaveScheduler(
      async () => {
        const gate = gates[started++];
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await gate?.promise;
        concurrent--;
      },
      3000,
      () => {},
      timers,
    );
    scheduler.statusChanged('training');
    tick();
    tick();
    tick();
    await flush();
    expect(started).toBe(1);
    gates[0].resolve();
    await flush();
    expect(started).toBe(2); // the three ticks during the first save became one more save
    gates[1].resolve();
    await flush();
    expect(started).toBe(2);
    expect(maxConcurrent).toBe(1);
  });

  it('reports a failed save and keeps saving on the next tick', async () => {
    const { timers, tick } = manualTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new AutosaveScheduler(
      async () => {
        calls++;
        if (calls === 1) throw new Error('quota exceeded');
      },
      3000,
      (error) => errors.push(error),
      timers,
    );
    scheduler.statusChanged('training');
    tick();
    await flush();
    tick();
    await flush();
    expect(calls).toBe(2);
    expect(errors.map(String)).toEqual(['Error: quota exceeded']);
  });

  it('saves nothing after stop()', async () => {
    const { timers, running } = manualTimers();
    let saves = 0;
    const scheduler = new AutosaveScheduler(async () => void saves++, 3000, () => {}, timers);
    scheduler.statusChanged('training');
    scheduler.stop();
    expect(running.size).toBe(0);
    await scheduler.saveNow();
    scheduler.statusChanged('paused');
    await flush();
    expect(saves).toBe(0);
  });
});

describe('memory session store', () => {
  const summary = (id: string, savedAt: string): SessionSummary => ({
    id, datasetName: 'MNIST digits', kindLabel: 'Basic', savedAt, globalStep: 10, settingsHash: '', needsFiles: false, bytes: 3,
  });

  it('lists newest first, reads copies of the files, replaces by id, and prunes the oldest', async () => {
    const store = new MemorySessionStore();
    await store.write(summary('a', '2026-12-01T10:00:00.000Z'), Uint8Array.of(1, 2, 3));
    await store.write(summary('b', '2026-12-01T12:00:00.000Z'), Uint8Array.of(4, 5, 6));
    await store.write(summary('c', '2026-12-01T11:00:00.000Z'), Uint8Array.of(7, 8, 9));
    expect((await store.list()).map((s) => s.id)).toEqual(['b', 'c', 'a']);
    const file = await store.read('a');
    file![0] = 99;
    expect(await store.read('a')).toEqual(Uint8Array.of(1, 2, 3));
    await store.write(summary('a', '2026-12-01T13:00:00.000Z'), Uint8Array.of(0));
    expect((await store.list()).map((s) => s.id)).toEqual(['a', 'b', 'c']);
    await pruneSessions(store, 2);
    expect((await store.list()).map((s) => s.id)).toEqual(['a', 'b']);
    expect(await store.read('c')).toBeNull();
    await store.remove('a');
    expect((await store.list()).map((s) => s.id)).toEqual(['b']);
  });
});
