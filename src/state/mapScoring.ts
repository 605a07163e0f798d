// The held-out kNN score of a new map, computed in slices of a few milliseconds on the main thread.
// At once it took 7 ms warm and 40 ms cold for 10,000 images, several times that on a main thread
// sharing two cores with training: a long task at every map refresh.
import { HeldOutKnnScorer } from '../latent/knn';
import { yieldToEventLoop } from '../lib/yieldToEventLoop';
import type { DatasetInfo, MapSnapshot } from './appState';

/** Length of one scoring slice (ms); the event loop is free between slices. */
const KNN_SLICE_MS = 4;
/** Held-out images scored between two looks at the clock. */
const KNN_QUERIES_PER_CHECK = 100;
/** Neighbours that vote on each held-out image's class. */
const NEIGHBOURS = 5;

/**
 * The share of `dataset`'s held-out images whose nearest training points on `map` agree on their
 * class, or null when `isStale` said (between slices) that the answer is no longer wanted.
 */
export async function scoreMapInSlices(map: MapSnapshot, dataset: DatasetInfo, isStale: () => boolean): Promise<number | null> {
  const scorer = new HeldOutKnnScorer(map.points, dataset.labels, dataset.split.train, dataset.split.heldOut, NEIGHBOURS);
  // The grid is built in a task of its own, apart from the one that shows the map.
  await yieldToEventLoop();
  if (isStale()) return null;
  scorer.prepare();
  for (;;) {
    await yieldToEventLoop();
    if (isStale()) return null;
    const sliceEnd = performance.now() + KNN_SLICE_MS;
    while (!scorer.advance(KNN_QUERIES_PER_CHECK) && performance.now() < sliceEnd);
    if (scorer.done) return scorer.accuracy;
  }
}
