// The page's record of a training worker: enough to rebuild a crashed or silent worker at its
// latest kept state, without keeping a replaced model's state or sending a buffer twice.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RAW_SETTINGS, validateConfig } from '../../src/model/validate';
import type { ProgressFigures, WorkerEvent } from '../../src/train/protocol';
import type { TrainerState } from '../../src/train/trainerState';
import { FIRST_STEP_SILENCE_MS, MAX_RESTARTS, MAX_SILENCE_MS, SLOW_STEP_ALLOWANCE, WORKER_SILENCE_MS, WorkerRecoveryLog } from '../../src/train/workerRecovery';

function config() {
  const result = validateConfig(DEFAULT_RAW_SETTINGS, [28, 28, 1]);
  if (!result.ok) throw new Error('the default settings should be valid');
  return result.config;
}

function stateAt(globalStep: number): TrainerState {
  const snapshot = { shapes: [[2]], values: [Float32Array.of(globalStep, 1)] };
  return {
    encoder: snapshot,
    decoder: snapshot,
    optimizer: { firstMoments: snapshot, secondMoments: snapshot, step: globalStep } as unknown as TrainerState['optimizer'],
    globalStep,
    epochOrder: Int32Array.of(2, 0, 1),
  };
}

function loadData() {
  return {
    type: 'load-data' as const,
    images: Uint8Array.of(1, 2, 3),
    labels: Uint8Array.of(0),
    shape: [1, 3, 1] as [number, number, number],
    train: Int32Array.of(0),
    heldOut: Int32Array.of(),
  };
}

describe('WorkerRecoveryLog', () => {
  it('replays the data, the model at its latest kept state and training, with fresh buffers each time', () => {
    const log = new WorkerRecoveryLog(0);
    const data = loadData();
    log.recordCommand(data);
    // Sending transfers the buffers: the log must have kept its own copy.
    structuredClone(data, { transfer: [data.images.buffer] });
    log.recordCommand({ type: 'configure', config: config(), model: 1 });
    log.recordCommand({ type: 'want-reconstruction-errors', enabled: true });
    log.recordEvent({ type: 'status', status: 'training', model: 1 }, 10);
    log.keepState(stateAt(40), log.stateRequestToken());
    log.keepState(stateAt(20), log.stateRequestToken()); // an older answer arriving late
    const first = log.replay();
    expect(first.map((command) => command.type)).toEqual(['load-data', 'restore', 'want-reconstruction-errors', 'train']);
    const restore = first[1];
    if (restore.type !== 'restore') throw new Error('expected a restore');
    expect(restore.state.globalStep).toBe(40);
    const replayedData = first[0];
    if (replayedData.type !== 'load-data') throw new Error('expected data');
    expect(Array.from(replayedData.images)).toEqual([1, 2, 3]);
    // A second replay does not share buffers with the first (which a send would have emptied).
    const second = log.replay();
    const secondData = second[0];
    if (secondData.type !== 'load-data') throw new Error('expected data');
    expect(secondData.images.buffer).not.toBe(replayedData.images.buffer);
  });

  it('drops a state asked for before the model was replaced, and rebuilds the new model from its settings', () => {
    const log = new WorkerRecoveryLog(0);
    log.recordCommand(loadData());
    log.recordCommand({ type: 'configure', config: config(), model: 1 });
    const token = log.stateRequestToken();
    log.recordCommand({ type: 'configure', config: { ...config(), training: { ...config().training, seed: 9 } }, model: 2 });
    log.keepState(stateAt(100), token);
    expect(log.keptStep).toBe(0);
    const commands = log.replay();
    expect(commands.map((command) => command.type)).toEqual(['load-data', 'configure']);
  });

  it('counts silence only while training, and allows a few restarts a minute', () => {
    const log = new WorkerRecoveryLog(0);
    expect(log.isSilent(WORKER_SILENCE_MS * 3)).toBe(false);
    log.recordEvent({ type: 'status', status: 'training', model: 1 }, 800);
    log.recordEvent(progressAt(1), 900);
    log.recordEvent(progressAt(2), 1000);
    expect(log.isSilent(1000 + WORKER_SILENCE_MS - 1)).toBe(false);
    expect(log.isSilent(1000 + WORKER_SILENCE_MS + 1)).toBe(true);
    log.recordEvent({ type: 'status', status: 'paused', model: 1 }, 1000);
    expect(log.isSilent(1000 + WORKER_SILENCE_MS * 2)).toBe(false);
    for (let i = 0; i < MAX_RESTARTS; i++) expect(log.allowRestart(i)).toBe(true);
    expect(log.allowRestart(MAX_RESTARTS)).toBe(false);
    expect(log.allowRestart(120_000)).toBe(true);
  });

  it('gives a worker until it finishes a step to compile and take its first one, again after a replacement', () => {
    const log = new WorkerRecoveryLog(0);
    log.recordEvent({ type: 'status', status: 'training', model: 1 }, 0);
    log.recordEvent(progressAt(0), 1_000); // reported as training starts, before any step
    expect(log.isSilent(1_000 + WORKER_SILENCE_MS * 2)).toBe(false);
    expect(log.isSilent(1_000 + FIRST_STEP_SILENCE_MS + 1)).toBe(true);
    log.recordEvent(progressAt(1), 3_000);
    expect(log.isSilent(3_000 + WORKER_SILENCE_MS - 1)).toBe(false);
    expect(log.isSilent(3_000 + WORKER_SILENCE_MS + 1)).toBe(true);
    log.workerReplaced(40_000);
    expect(log.isSilent(40_000 + WORKER_SILENCE_MS * 2)).toBe(false);
    expect(log.isSilent(40_000 + FIRST_STEP_SILENCE_MS + 1)).toBe(true);
  });

  it('allows a worker whose steps are slow several of its slowest steps of silence, up to a ceiling', () => {
    const log = new WorkerRecoveryLog(0);
    log.recordEvent({ type: 'status', status: 'training', model: 1 }, 0);
    log.recordEvent(progressAt(1), 10_000);
    log.recordEvent({ type: 'error', message: 'a notice' }, 10_100); // other events do not count as steps
    log.recordEvent(progressAt(2), 17_000); // a 7 s step
    const limit = SLOW_STEP_ALLOWANCE * 7_000;
    expect(log.isSilent(17_000 + limit - 1)).toBe(false);
    expect(log.isSilent(17_000 + limit + 1)).toBe(true);
    log.recordEvent(progressAt(3), 1_017_000); // a step of 1000 s
    expect(log.isSilent(1_017_000 + MAX_SILENCE_MS + 1)).toBe(true);
  });
});

function progressAt(globalStep: number): WorkerEvent {
  return { type: 'progress', figures: { globalStep } as ProgressFigures, model: 1 };
}
