// Freeing several things where one may fail (its device is gone): every one is tried, so a lost
// trainer's weights and moments do not stay behind, and the first failure is rethrown for the caller.

/** Run every `free`, even after one throws, then throw the first failure. */
export function freeAll(frees: readonly (() => void)[]): void {
  const failures: unknown[] = [];
  for (const free of frees) {
    try {
      free();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * Free every tensor, even when some fail to, then throw the first failure. `tf.dispose` of a list
 * stops at the first throw: on a lost GPU that left the other moments behind.
 */
export function freeEach(tensors: readonly { dispose(): void }[]): void {
  freeAll(tensors.map((tensor) => () => tensor.dispose()));
}
