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
export async function answerExportState(slot: TrainerSlot, emit: Emit, id: number): Promise<void> {
  if (!slot.trainer) {
    emit({ type: 'trainer-state', id, state: null, layouts: null, error: NO_MODEL });
    return;
  }
  if (slot.gpuWatch?.lost()) {
    // Reads from a lost device give zeros: refuse, so the page keeps its previous copy.
    emit({ type: 'trainer-state', id, state: null, layouts: null, error: 'The GPU was lost; training is being rebuilt.' });
    return;
  }
  const trainer = slot.trainer;
  const layouts = trainer.networkLayouts();
  try {
    const state = await slot.readAlive(trainer.exportState());
    emit({ type: 'trainer-state', id, state, layouts });
  } catch (error) {
    emit({ type: 'trainer-state', id, state: null, layouts: null, error: errorText(error) });
  }
}

/** Both networks' weights and the epoch's batch order, for analyses that run elsewhere. */
export async function answerSnapshot(slot: TrainerSlot, emit: Emit, id: number): Promise<void> {
  const trainer = slot.trainer;
  const empty = { shapes: [], values: [] };
  const refuse = (error: string) =>
    emit({ type: 'model-snapshot', id, encoder: empty, decoder: empty, globalStep: 0, batchOrder: new Int32Array(0), error });
  if (!trainer) {
    refuse(NO_MODEL);
    return;
  }
  // The step and the order as the reads start, so all four belong to one moment of training.
  const globalStep = trainer.globalStep;
  const batchOrder = trainer.batchOrder();
  try {
    const [encoder, decoder] = await slot.readAlive(Promise.all([trainer.encoderWeights(), trainer.decoderWeights()]));
    emit({ type: 'model-snapshot', id, encoder, decoder, globalStep, batchOrder });
  } catch (error) {
    refuse(errorText(error));
  }
}
