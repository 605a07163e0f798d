// The model tag: the page numbers each model it asks for, the session tags its events about a model
// with the last such number it has run, and the page drops what a model it has replaced still sends,
// here the map a paused loop sends after the page has already asked for the next model. A worker
// rebuilt from the page's record keeps the tag, so its events are not dropped as well.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// Every backend is the CPU backend under another name, as in session.test.ts.
const graphics = vi.hoisted(() => ({ webglRenderer: 'SwiftShader' }));
vi.mock('../../src/backends/activate', async () => (await import('../fixtures/cpuBackends')).cpuBackends({ available: ['webgl', 'wasm', 'cpu'], graphics }));

import { TrainingSession } from '../../src/train/session/trainingSession';
import { PageModelTags } from '../../src/train/pageModelTags';
import { WorkerRecoveryLog } from '../../src/train/workerRecovery';
import type { PageCommand, WorkerEvent } from '../../src/train/protocol';
import type { ExperimentConfig } from '../../src/model/spec';
import { createRng } from '../../src/lib/rng';
import { splitDataset } from '../../src/data/dataset';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const COUNT = 120;
/** The model trained first: 2-D codes, epochs enough that training never ends during a test. */
const OLD: ExperimentConfig = {
  spec: { kind: 'basic', inputShape: [8, 8, 1], hiddenSizes: [16], activation: 'relu', latentDim: 2, loss: 'bce' },
  training: { learningRate: 0.01, batchSize: 20, epochs: 100_000, seed: 3 },
};
/** The model that replaces it: 3-D codes, so its maps are told apart from the old one's. */
const NEW: ExperimentConfig = { ...OLD, spec: { ...OLD.spec, latentDim: 3 } };

function loadCommand(): PageCommand {
  const rng = createRng(1);
  const images = new Uint8Array(COUNT * 64);
  for (let i = 0; i < images.length; i++) images[i] = rng.nextInt(256);
  const labels = Uint8Array.from({ length: COUNT }, (_, i) => i % 3);
  const split = splitDataset(COUNT, 20, createRng(2));
  return { type: 'load-data', images, labels, shape: [8, 8, 1], train: split.train, heldOut: split.heldOut };
}

/**
 * A session with the page's side in front of it, as the client has it: commands are stamped, and
 * `sent` holds what the session sent, `taken` what the page kept. `eventSeen` waits on the events
 * themselves: in Node the running loop's yields are drained ahead of timers.
 */
function pageAndSession(tags = new PageModelTags()) {
  const sent: WorkerEvent[] = [];
  const taken: WorkerEvent[] = [];
  const waiting: { test: (event: WorkerEvent) => boolean; resolve: () => void }[] = [];
  const session = new TrainingSession((event) => {
    sent.push(event);
    if (tags.accepts(event)) taken.push(event);
    for (const wait of [...waiting]) {
      if (!wait.test(event)) continue;
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
  });
  const send = (command: PageCommand) => session.handle(tags.stamp(command));
  const eventSeen = (test: (event: WorkerEvent) => boolean) => new Promise<void>((resolve) => waiting.push({ test, resolve }));
  return { session, send, sent, taken, eventSeen, tags };
}

const latentSizes = (events: WorkerEvent[]) => events.flatMap((event) => (event.type === 'latents' ? [event.latentDim] : []));
const progressSteps = (events: WorkerEvent[]) => events.flatMap((event) => (event.type === 'progress' ? [event.figures.globalStep] : []));
const statuses = (events: WorkerEvent[]) => events.flatMap((event) => (event.type === 'status' ? [event.status] : []));

describe('model tag', () => {
  it('drops the map and progress a paused model still sends after the page asked for a new one, and takes the new model\'s', async () => {
    const { send, sent, taken, eventSeen } = pageAndSession();
    await send(loadCommand());
    await send({ type: 'configure', config: OLD });
    const trained = eventSeen((event) => event.type === 'progress' && event.figures.globalStep >= 2);
    await send({ type: 'train' });
    await trained;
    // Pause, then at once a new model, as the page's Reset does: the page has reset its view now.
    void send({ type: 'pause' });
    const sentBefore = sent.length;
    const takenBefore = taken.length;
    await send({ type: 'configure', config: NEW });
    const sentAfter = sent.slice(sentBefore);
    const takenAfter = taken.slice(takenBefore);
    // The race is real: the paused loop's last map and progress came after the new model was asked for.
    expect(latentSizes(sentAfter)[0]).toBe(2);
    expect(progressSteps(sentAfter)[0]).toBeGreaterThan(0);
    // The page kept none of it, and every event of the new model.
    expect(latentSizes(takenAfter)).toEqual([3]);
    expect(progressSteps(takenAfter)).toEqual([0]);
    expect(statuses(takenAfter)).toEqual(['preparing', 'idle']);
    expect(takenAfter.some((event) => event.type === 'decoder-weights')).toBe(true);
    expect(takenAfter.some((event) => event.type === 'reconstructions')).toBe(true);
    // What is not about a model passes whatever its model: the backends line, for one.
    expect(takenAfter.filter((event) => event.type === 'backends')).toEqual(sentAfter.filter((event) => event.type === 'backends'));
  });

  it('drops what a paused model still sends after the page restored a saved state, and takes the restored model\'s', async () => {
    const { send, sent, taken, eventSeen } = pageAndSession();
    await send(loadCommand());
    await send({ type: 'configure', config: OLD });
    await send({ type: 'step' });
    await send({ type: 'step' });
    await send({ type: 'export-state', id: 1 });
    const answer = sent.find((event) => event.type === 'trainer-state');
    if (answer?.type !== 'trainer-state' || !answer.state) throw new Error('expected the training state');
    const saved = answer.state;
    const trained = eventSeen((event) => event.type === 'progress' && event.figures.globalStep >= 4);
    await send({ type: 'train' });
    await trained;
    void send({ type: 'pause' });
    const sentBefore = sent.length;
    const takenBefore = taken.length;
    await send({ type: 'restore', config: OLD, state: saved });
    expect(progressSteps(sent.slice(sentBefore))[0]).toBeGreaterThanOrEqual(4);
    // Only the restored model's figures reach the page: it carries on from step 2.
    expect(progressSteps(taken.slice(takenBefore))).toEqual([2]);
    expect(statuses(taken.slice(takenBefore))).toEqual(['preparing', 'paused']);
  });
});

describe('PageModelTags', () => {
  it('numbers every command that asks for a new model and leaves the others as they are', () => {
    const tags = new PageModelTags();
    expect(tags.stamp({ type: 'configure', config: OLD })).toMatchObject({ model: 1 });
    expect(tags.stamp({ type: 'train' })).toEqual({ type: 'train' });
    expect(tags.stamp({ type: 'reset' })).toMatchObject({ model: 2 });
    expect(tags.stamp({ type: 'set-backend', backend: 'wasm' })).toEqual({ type: 'set-backend', backend: 'wasm' });
  });

  it('takes events of the model asked for last and every event that is not about a model', () => {
    const tags = new PageModelTags();
    tags.stamp({ type: 'configure', config: OLD });
    tags.stamp({ type: 'configure', config: NEW });
    expect(tags.accepts({ type: 'status', status: 'paused', model: 1 })).toBe(false);
    expect(tags.accepts({ type: 'status', status: 'idle', model: 2 })).toBe(true);
    expect(tags.accepts({ type: 'error', message: 'a notice of the old model' })).toBe(true);
  });
});

describe('a replacement worker', () => {
  it('builds the model under the tag the page gave it, so the page takes its events', async () => {
    const tags = new PageModelTags();
    const log = new WorkerRecoveryLog(0);
    // What the client does with each command it sends: stamp it, then keep it for a replay.
    const record = (command: PageCommand) => log.recordCommand(tags.stamp(command));
    record(loadCommand());
    record({ type: 'configure', config: OLD });
    record({ type: 'configure', config: NEW });
    const replay = log.replay();
    expect(replay.find((command) => command.type === 'configure')).toMatchObject({ model: 2 });
    const { session, taken } = pageAndSession(tags);
    for (const command of replay) await session.handle(command);
    expect(latentSizes(taken)).toEqual([3]);
    expect(statuses(taken)).toEqual(['preparing', 'idle']);
  });

  it('carries on from the kept state under the tag of the model it belongs to, after a restore or a reset too', () => {
    const tags = new PageModelTags();
    const log = new WorkerRecoveryLog(0);
    const record = (command: PageCommand) => log.recordCommand(tags.stamp(command));
    record(loadCommand());
    record({ type: 'configure', config: OLD });
    record({ type: 'reset' });
    const snapshot = { shapes: [[1]], values: [Float32Array.of(1)] };
    const state = { encoder: snapshot, decoder: snapshot, optimizer: { iterations: 5, firstMoments: snapshot, secondMoments: snapshot }, globalStep: 5, epochOrder: Int32Array.of(0) };
    log.keepState(state, log.stateRequestToken());
    expect(log.replay().find((command) => command.type === 'restore')).toMatchObject({ model: 2 });
    record({ type: 'restore', config: NEW, state });
    expect(log.replay().find((command) => command.type === 'restore')).toMatchObject({ model: 3, config: NEW });
  });
});
