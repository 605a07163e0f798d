// Answers to the page's questions about the current model: encode a drawing, export the whole
// state, snapshot both networks. Each always answers, so the page's request settles.
import { errorText } from '../../backends/activate';
import type { WorkerCommand } from '../protocol';
import type { Emit } from './context';
import type { TrainerSlot } from './trainerSlot';

const NO_MODEL = 'There is no model yet.';

/** Encode a drawing with the current model. */
export async function answerEncodeImages(slot: TrainerSlot, emit: Emit, command: Extract<WorkerCommand, { type: 'encode-images' }>): Promise<void> {
  const { id } = command;
  const refuse = (error: string) => emit({ type: 'encoded-images', id, codes: new Float32Array(0), reconstructions: new Float32Array(0), error });
  if (!slot.trainer) {
    refuse(NO_MODEL);
    return;
  }
  try {
    const { codes, reconstructions } = await slot.trainer.encodeImages(command.pixels, command.count);
    emit({ type: 'encoded-images', id, codes, reconstructions });
  } catch (error) {
    refuse(errorText(error));
  }
}

/** The whole training state, to save or autosave a session. */
export function answerExportState(slot: TrainerSlot, emit: Emit, id: number): void {
  if (!slot.trainer) {
    emit({ type: 'trainer-state', id, state: null, layouts: null, error: NO_MODEL });
    return;
  }
  if (slot.gpuWatch?.lost()) {
    // Reads from a lost device give zeros: refuse, so the page keeps its previous copy.
    emit({ type: 'trainer-state', id, state: null, layouts: null, error: 'The GPU was lost; training is being rebuilt.' });
    return;
  }
  emit({ type: 'trainer-state', id, state: slot.trainer.exportState(), layouts: slot.trainer.networkLayouts() });
}

/** Both networks' weights and the epoch's batch order, for analyses that run elsewhere. */
export function answerSnapshot(slot: TrainerSlot, emit: Emit, id: number): void {
  const trainer = slot.trainer;
  const empty = { shapes: [], values: [] };
  if (!trainer) {
    emit({ type: 'model-snapshot', id, encoder: empty, decoder: empty, globalStep: 0, batchOrder: new Int32Array(0), error: NO_MODEL });
    return;
  }
  emit({
    type: 'model-snapshot',
    id,
    encoder: trainer.encoderWeights(),
    decoder: trainer.decoderWeights(),
    globalStep: trainer.globalStep,
    batchOrder: trainer.batchOrder(),
  });
}
