import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternData, PATTERN_SHAPE } from '../fixtures/patternData';
import { Trainer } from '../../src/train/trainer';
import { DEFAULT_RAW_SETTINGS, validateConfig, type RawSettings } from '../../src/model/validate';
import type { SessionContents } from '../../src/saved/sessionFormat';
import { readSessionZip } from '../../src/saved/sessionRead';
import { SessionZipper } from '../../src/saved/sessionZipper';
import { answerZipRequest, type ZipReply, type ZipRequest } from '../../src/saved/zipProtocol';

const RAW: RawSettings = { ...DEFAULT_RAW_SETTINGS, hiddenSizes: '16', latentDim: '2', batchSize: '16', epochs: '3', seed: '7' };
const data = patternData(120, 20, 3);
const labels = Uint8Array.from({ length: 120 }, (_, i) => i % 3);
let trainer: Trainer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const result = validateConfig(RAW, PATTERN_SHAPE);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  trainer = new Trainer(result.config, data);
  for (let i = 0; i < 3; i++) await trainer.trainStep();
});
afterAll(() => trainer.dispose());

/** Fresh contents, as each autosave captures them (its own copy of the training state). */
async function capture(): Promise<SessionContents> {
  return {
    savedAt: '2026-12-02T10:00:00.000Z',
    dataset: { source: 'files', name: 'patterns', count: 120, shape: PATTERN_SHAPE, fingerprint: 'f', stored: true },
    data: { images: data.images, labels, classNames: ['row', 'column', 'square'] },
    rawSettings: RAW,
    split: { train: data.train, heldOut: data.heldOut },
    losses: [],
    view: { projection: 'none', colourBy: { mode: 'label', dimension: 0, factor: '' }, zoom: { k: 1, x: 0, y: 0 }, probe: { x: 0, y: 0, sourceIndex: -1, code: null } },
    training: await trainer.exportState(),
    layouts: trainer.networkLayouts(),
  };
}

/** A worker in this process: messages are cloned with their transfer lists, as between threads. */
class FakeWorker {
  onmessage: ((event: MessageEvent<ZipReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  crashNext = false;
  received = 0;
  postMessage(message: ZipRequest, transfer: Transferable[]): void {
    const copy = structuredClone(message, { transfer });
    this.received++;
    setTimeout(() => {
      if (this.crashNext) {
        this.onerror?.({ message: 'out of memory', preventDefault: () => undefined } as unknown as ErrorEvent);
        return;
      }
      const reply = answerZipRequest(copy);
      this.onmessage?.({ data: reply } as MessageEvent<ZipReply>);
    }, 0);
  }
  terminate(): void {}
}

describe('SessionZipper', () => {
  it('writes the session in its worker, moving the training arrays and copying the dataset', async () => {
    const worker = new FakeWorker();
    const zipper = new SessionZipper(() => worker as unknown as Worker);
    const contents = await capture();
    const weights = Array.from(contents.training.encoder.values[0]);
    const bytes = await zipper.write(contents, 0);
    expect(worker.received).toBe(1);
    expect(contents.training.encoder.values[0].length).toBe(0); // moved
    expect(contents.data?.images.length).toBe(data.images.length); // still the page's
    const read = readSessionZip(bytes);
    expect(Array.from(read.training.encoder.values[0])).toEqual(weights);
    expect(read.training.globalStep).toBe(3);
    zipper.dispose();
  });

  it('writes on this thread when no worker can start', async () => {
    const zipper = new SessionZipper(() => {
      throw new Error('workers are off');
    });
    const bytes = await zipper.write(await capture(), 6);
    expect(readSessionZip(bytes).training.globalStep).toBe(3);
  });

  it('reports a save lost with a stopped worker, and writes the next one on this thread', async () => {
    const worker = new FakeWorker();
    worker.crashNext = true;
    const zipper = new SessionZipper(() => worker as unknown as Worker);
    await expect(zipper.write(await capture(), 0)).rejects.toThrow(/session writer stopped/);
    const bytes = await zipper.write(await capture(), 0);
    expect(worker.received).toBe(1);
    expect(readSessionZip(bytes).training.globalStep).toBe(3);
  });
});
