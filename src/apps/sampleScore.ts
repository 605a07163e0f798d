// How convincing generated images are, judged against the training images in pixel space: the
// distance to the nearest one (is it close to anything real?) and whether a 5-nearest-neighbour
// vote is confident about its class (does it look like one class, or like a blend?).

export interface ReferenceImages {
  /** Pixels in [0, 1], image after image. */
  pixels: Float32Array;
  /** Each reference image's class. */
  labels: Uint8Array;
  pixelsPerImage: number;
  /** Squared norm of each image, so a distance costs one dot product. */
  squaredNorms: Float64Array;
}

/**
 * The reference set from dataset images (bytes 0..255) at `rows`. Large sets are cut to
 * `maxImages` evenly spaced rows: a stable subset, and the score stays cheap.
 */
export function referenceImages(images: Uint8Array, labels: Uint8Array, rows: Int32Array, pixelsPerImage: number, maxImages = rows.length): ReferenceImages {
  const count = Math.min(rows.length, maxImages);
  const pixels = new Float32Array(count * pixelsPerImage);
  const chosenLabels = new Uint8Array(count);
  const squaredNorms = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const row = rows[Math.floor((i * rows.length) / count)];
    chosenLabels[i] = labels[row];
    let norm = 0;
    for (let p = 0; p < pixelsPerImage; p++) {
      const value = images[row * pixelsPerImage + p] / 255;
      pixels[i * pixelsPerImage + p] = value;
      norm += value * value;
    }
    squaredNorms[i] = norm;
  }
  return { pixels, labels: chosenLabels, pixelsPerImage, squaredNorms };
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
  const { pixelsPerImage, pixels, squaredNorms, labels } = reference;
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
      const base = r * pixelsPerImage;
      let dot = 0;
      for (let p = 0; p < pixelsPerImage; p++) dot += samples[offset + p] * pixels[base + p];
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
