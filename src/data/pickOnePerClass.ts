// Which images to show as examples: one of each class first, so a strip or a row of images covers
// every class the data has, then the next ones in order.

/** `count` of `indices` (held-out images, say): one per class first, then the next ones; sorted by class. */
export function pickOnePerClass(indices: Int32Array, labels: Uint8Array, count: number): Int32Array {
  const chosen: number[] = [];
  const seen = new Set<number>();
  for (const index of indices) {
    if (chosen.length >= count) break;
    if (!seen.has(labels[index])) {
      seen.add(labels[index]);
      chosen.push(index);
    }
  }
  for (const index of indices) {
    if (chosen.length >= count) break;
    if (!chosen.includes(index)) chosen.push(index);
  }
  chosen.sort((a, b) => labels[a] - labels[b]);
  return Int32Array.from(chosen);
}
