// The built-in datasets by name, for the Dataset picker, lesson steps and links alike. Generated
// sets are drawn once per page (in a worker, with a fixed seed) and reused when picked again.
import { loadBuiltInMnist, BUILT_IN_MNIST_PATH } from '../data/packedDataset';
import { generateEmojiInWorker, generateInWorker, type LoadProgress, type LoadReport } from '../data/loadFiles';
import type { Dataset } from '../data/dataset';
import type { BuiltInDatasetName } from '../lesson/classroom';
import type { AppController } from '../state/controller';

/** Generated sets always use this seed, so "Shapes" or "Emoji" is the same images every time it is picked. */
const GENERATED_SEED = 1;

export interface BuiltInSet {
  dataset: Dataset;
  /** The generator's report (emoji: which groups could be drawn), when it gave one. */
  report: LoadReport | null;
}

const cache = new Map<BuiltInDatasetName, Promise<BuiltInSet>>();

/** The named built-in set, drawn or fetched on first use. A failed load is forgotten so it can be retried. */
export function builtInSet(name: BuiltInDatasetName, onProgress: (progress: LoadProgress) => void = () => {}): Promise<BuiltInSet> {
  let pending = cache.get(name);
  if (!pending) {
    pending = drawOrFetch(name, onProgress);
    cache.set(name, pending);
    pending.catch(() => cache.delete(name));
  }
  return pending;
}

async function drawOrFetch(name: BuiltInDatasetName, onProgress: (progress: LoadProgress) => void): Promise<BuiltInSet> {
  switch (name) {
    case 'mnist':
      return { dataset: await loadBuiltInMnist(new URL(BUILT_IN_MNIST_PATH, document.baseURI).href), report: null };
    case 'emoji': {
      const report = await generateEmojiInWorker(GENERATED_SEED, onProgress);
      return { dataset: report.dataset, report };
    }
    case 'shapes':
    case 'shapes-rgb':
      return { dataset: await generateInWorker(name, GENERATED_SEED, onProgress), report: null };
  }
}

/**
 * Load the named set and train on it from now on. A set that cannot be loaded is reported and the
 * current data and model are kept. Resolves to the set, or null when it failed.
 */
export async function switchToBuiltInSet(
  controller: AppController,
  name: BuiltInDatasetName,
  onProgress?: (progress: LoadProgress) => void,
): Promise<BuiltInSet | null> {
  try {
    const set = await builtInSet(name, onProgress);
    controller.useDataset(set.dataset);
    controller.setClassroom({ dataSource: name });
    return set;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    controller.notify('error', `Could not load the ${name} set: ${message}. The current data and model are unchanged.`);
    return null;
  }
}
