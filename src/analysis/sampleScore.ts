// How convincing generated images are, judged against the training images in pixel space: the
// distance to the nearest one (is it close to anything real?) and whether a 5-nearest-neighbour
// vote is confident about its class (does it look like one class, or like a blend?).

export interface ReferenceImages {
  /** Each reference image's class. */
  labels: Uint8Array;
  pixelsPerImage: number;
  /** Squared norm of each image (pixels in [0, 1]), so a distance costs one dot product. */
  squaredNorms: Float64Array;
  /**
   * The non-zero pixels of each image, positions and values in [0, 1]: digits and shapes are mostly
   * black, so dot products over these alone are several times faster than over every pixel.
   * Image i's run is nonZeroStarts[i] .. nonZeroStarts[i + 1].
   */
  nonZeroStarts: Int32Array;
  nonZeroPositions: Int32Array;
  nonZeroValues: Float32Array;
}

/**
 * The reference set from dataset images (bytes 0..255) at `rows`. Large sets are cut to
 * `maxImages` evenly spaced rows: a stable subset, and the score stays cheap.
 */
export function referenceImages(images: Uint8Array, labels: Uint8Array, rows: Int32Array, pixelsPerImage: number, maxImages = rows.length): ReferenceImages {
  const count = Math.min(rows.length, maxImages);
  const chosen = Int32Array.from({ length: count }, (_, i) => rows[Math.floor((i * rows.length) / count)]);
  const chosenLabels = new Uint8Array(count);
  const squaredNorms = new Float64Array(count);
  const nonZeroStarts = new Int32Array(count + 1);
  chosen.forEach((row, i) => {
    chosenLabels[i] = labels[row];
    let nonZero = 0;
    for (let p = 0; p < pixelsPerImage; p++) if (images[row * pixelsPerImage + p] !== 0) nonZero++;
    nonZeroStarts[i + 1] = nonZeroStarts[i] + nonZero;
  });
  const nonZeroPositions = new Int32Array(nonZeroStarts[count]);
  const nonZeroValues = new Float32Array(nonZeroStarts[count]);
  chosen.forEach((row, i) => {
    let k = nonZeroStarts[i];
    let norm = 0;
    for (let p = 0; p < pixelsPerImage; p++) {
      const byte = images[row * pixelsPerImage + p];
      if (byte === 0) continue;
      const value = byte / 255;
      nonZeroPositions[k] = p;
      nonZeroValues[k++] = value;
      norm += value * value;
    }
    squaredNorms[i] = norm;
  });
  return { labels: chosenLabels, pixelsPerImage, squaredNorms, nonZeroStarts, nonZeroPositions, nonZeroValues };
}

export interface SampleScore {
  /**
   * Mean over samples of the distance to the nearest reference image, as a root-mean-square pixel
   * difference (Euclidean distance / sqrt(pixels)): 0 is a copy, 1 is black against white everywhere.
   */
  meanNearestDistance: number;
  /** Share of samples whose k nearest reference images agree on one class at least `agree` times. */
  confidentShare: number;
  /** Per sample: the nearest reference image's position in the reference set. */
  nearest: Int32Array;
  /** Per sample: the class most of its neighbours share, and how many do. */
  majorityLabel: Uint8Array;
  majorityVotes: Uint8Array;
}

/** Score `count` samples (pixels in [0, 1], back to back) against the reference images. */
export function scoreSamples(samples: Float32Array, count: number, reference: ReferenceImages, k = 5, agree = 4): SampleScore {
  const { pixelsPerImage, squaredNorms, labels, nonZeroStarts, nonZeroPositions, nonZeroValues } = reference;
  const referenceCount = labels.length;
  if (samples.length !== count * pixelsPerImage) {
    throw new RangeError(`Expected ${count} samples of ${pixelsPerImage} pixels, got ${samples.length} values.`);
  }
  if (referenceCount === 0) throw new RangeError('There are no reference images to compare with.');
  const neighbours = Math.min(k, referenceCount);
  const nearest = new Int32Array(count);
  const majorityLabel = new Uint8Array(count);
  const majorityVotes = new Uint8Array(count);
  const bestDistances = new Float64Array(neighbours);
  const bestIndices = new Int32Array(neighbours);
  let distanceSum = 0;
  let confident = 0;
  for (let s = 0; s < count; s++) {
    const offset = s * pixelsPerImage;
    let sampleNorm = 0;
    for (let p = 0; p < pixelsPerImage; p++) sampleNorm += samples[offset + p] * samples[offset + p];
    bestDistances.fill(Infinity);
    bestIndices.fill(-1);
    for (let r = 0; r < referenceCount; r++) {
      let dot = 0;
      for (let k = nonZeroStarts[r], end = nonZeroStarts[r + 1]; k < end; k++) dot += samples[offset + nonZeroPositions[k]] * nonZeroValues[k];
      const squared = Math.max(0, sampleNorm + squaredNorms[r] - 2 * dot);
      if (squared >= bestDistances[neighbours - 1]) continue;
      // Insertion into the short sorted list of the best k.
      let slot = neighbours - 1;
      while (slot > 0 && bestDistances[slot - 1] > squared) {
        bestDistances[slot] = bestDistances[slot - 1];
        bestIndices[slot] = bestIndices[slot - 1];
        slot--;
      }
      bestDistances[slot] = squared;
      bestIndices[slot] = r;
    }
    nearest[s] = bestIndices[0];
    distanceSum += Math.sqrt(bestDistances[0] / pixelsPerImage);
    const votes = new Map<number, number>();
    for (const index of bestIndices) votes.set(labels[index], (votes.get(labels[index]) ?? 0) + 1);
    let topLabel = 0;
    let topVotes = 0;
    // Ties go to the label of the nearer neighbour (the order of first appearance).
    for (const [label, voteCount] of votes) {
      if (voteCount > topVotes) {
        topLabel = label;
        topVotes = voteCount;
      }
    }
    majorityLabel[s] = topLabel;
    majorityVotes[s] = topVotes;
    if (topVotes >= agree) confident++;
  }
  return {
    meanNearestDistance: count > 0 ? distanceSum / count : NaN,
    confidentShare: count > 0 ? confident / count : NaN,
    nearest,
    majorityLabel,
    majorityVotes,
  };
}
