// The trainer slot counts its reads in flight, so a tensor count can be taken when none holds copies.
import { describe, expect, it } from 'vitest';
import { TrainerSlot } from '../../src/train/session/trainerSlot';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TrainerSlot.readsInFlight', () => {
  it('counts each read from its start until it settles, whether it succeeds or fails', async () => {
    const slot = new TrainerSlot(() => {});
    const first = deferred<number>();
    const second = deferred<number>();
    const reading = slot.readAlive(first.promise);
    const failing = slot.readAlive(second.promise);
    expect(slot.readsInFlight).toBe(2);
    first.resolve(7);
    expect(await reading).toBe(7);
    expect(slot.readsInFlight).toBe(1);
    second.reject(new Error('a read failed'));
    await expect(failing).rejects.toThrow('a read failed');
    expect(slot.readsInFlight).toBe(0);
  });
});
