// The study worker: decodes and scores generated samples, and trains the three softmax probes of
// the Features tab, so neither ever runs on the page's thread or inside the training worker.
// Results that depend only on the data (the pixel probe, PCA of a given size) are kept per dataset.
import * as tf from '../lib/tf';
import { createRng } from '../lib/rng';
import { DecoderReplica } from '../model/decoderReplica';
import { fitGaussian, choleskyFactor, sampleGaussian, sampleStandardNormal } from './gaussian';
import { fitPixelPca, projectPixels } from './pixelPca';
import { referenceImages, scoreSamples, type ReferenceImages } from './sampleScore';
import { probeAccuracy } from './softmaxProbe';
import {
  studyTransferables,
  type FeaturesResult,
  type GenerationResult,
  type GridScore,
  type ProbeFigures,
  type StudyCommand,
  type StudyEvent,
  type StudyJob,
} from './studyProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<StudyCommand>) => void) | null;
  postMessage(message: StudyEvent, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** Training images samples are compared with: enough for a stable nearest neighbour, bounded cost. */
const MAX_REFERENCE_IMAGES = 10_000;
/** Training images the pixel and PCA probes learn from (the code probe uses every one). */
const MAX_PIXEL_PROBE_ROWS = 6000;
/** Passes over the pixels: they are many, and ten passes bring a linear probe close to its best. */
const PIXEL_PROBE_EPOCHS = 10;
/** Images the PCA is fitted to. */
const PCA_FIT_ROWS = 1500;

interface StudyData {
  images: Uint8Array;
  labels: Uint8Array;
  classCount: number;
  pixelsPerImage: number;
  train: Int32Array;
  heldOut: Int32Array;
  reference: ReferenceImages | null;
  pixelProbe: ProbeFigures | null;
  pcaProbes: Map<string, ProbeFigures & { explained: number }>;
}

let data: StudyData | null = null;
const backendReady = tf.setBackend('cpu').then(() => tf.ready());
// Messages run one after another: a job sent after new data sees that data.
let queue: Promise<void> = Promise.resolve();

scope.onmessage = ({ data: command }) => {
  queue = queue.then(() => handle(command));
};

async function handle(command: StudyCommand): Promise<void> {
  if (command.type === 'load-data') {
    const [height, width, channels] = command.shape;
    data = {
      images: command.images,
      labels: command.labels,
      classCount: command.classCount,
      pixelsPerImage: height * width * channels,
      train: command.train,
      heldOut: command.heldOut,
      reference: null,
      pixelProbe: null,
      pcaProbes: new Map(),
    };
    return;
  }
  const { id, job } = command;
  try {
    const result = await run(job);
    const event: StudyEvent = { type: 'result', id, result };
    scope.postMessage(event, studyTransferables(event));
  } catch (error) {
    scope.postMessage({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) }, []);
  }
}

async function run(job: StudyJob): Promise<GenerationResult | FeaturesResult> {
  if (!data) throw new Error('The study worker has no dataset yet.');
  return job.kind === 'generation' ? generate(data, job) : features(data, job);
}

function gridScore(samples: Float32Array, count: number, reference: ReferenceImages): GridScore {
  const score = scoreSamples(samples, count, reference, 5, 4);
  return {
    meanNearestDistance: score.meanNearestDistance,
    confidentShare: score.confidentShare,
    confident: score.majorityVotes.map((votes) => (votes >= 4 ? 1 : 0)),
    majorityLabel: score.majorityLabel,
  };
}

async function generate(study: StudyData, job: Extract<StudyJob, { kind: 'generation' }>): Promise<GenerationResult> {
  await backendReady;
  const { spec, count } = job;
  const latentDim = spec.latentDim;
  if (job.codes.length !== (study.labels.length * latentDim)) {
    throw new Error(`Expected ${study.labels.length} codes of ${latentDim} values, got ${job.codes.length} values.`);
  }
  study.reference ??= referenceImages(study.images, study.labels, study.train, study.pixelsPerImage, MAX_REFERENCE_IMAGES);
  const replica = new DecoderReplica(spec);
  try {
    replica.setWeights(job.decoder);
    // One stream per grid, so the fitted grid's draws do not depend on the prior grid's.
    const rng = createRng(job.seed);
    const priorCodes = sampleStandardNormal(latentDim, count, createRng(rng.nextSeed()));
    const fittedSeed = rng.nextSeed();
    const priorPixels = replica.decodeMany(priorCodes, count);
    let fitted: GenerationResult['fitted'] = null;
    if (spec.kind !== 'variational') {
      const fit = fitGaussian(job.codes, latentDim, study.train);
      const { ridge } = choleskyFactor(fit.covariance, latentDim);
      const fittedPixels = replica.decodeMany(sampleGaussian(fit, count, createRng(fittedSeed)), count);
      fitted = { pixels: fittedPixels, score: gridScore(fittedPixels, count, study.reference), ridge };
    }
    // Real held-out images, scored the same way: the mark a perfect generator would reach.
    const realCount = Math.min(count, study.heldOut.length);
    const real = new Float32Array(realCount * study.pixelsPerImage);
    for (let i = 0; i < realCount; i++) {
      const offset = study.heldOut[i] * study.pixelsPerImage;
      for (let p = 0; p < study.pixelsPerImage; p++) real[i * study.pixelsPerImage + p] = study.images[offset + p] / 255;
    }
    return {
      kind: 'generation',
      prior: { pixels: priorPixels, score: gridScore(priorPixels, count, study.reference) },
      fitted,
      heldOut: gridScore(real, realCount, study.reference),
      referenceCount: study.reference.labels.length,
    };
  } finally {
    replica.dispose();
  }
}

/** Evenly spaced rows, at most `limit`: a stable subset of a split. */
function spaced(rows: Int32Array, limit: number): Int32Array {
  if (rows.length <= limit) return rows;
  return Int32Array.from({ length: limit }, (_, i) => rows[Math.floor((i * rows.length) / limit)]);
}

function features(study: StudyData, job: Extract<StudyJob, { kind: 'features' }>): FeaturesResult {
  const { latentDim, codes, seed } = job;
  const { labels, classCount, train, heldOut, images, pixelsPerImage } = study;
  if (codes.length !== labels.length * latentDim) {
    throw new Error(`Expected ${labels.length} codes of ${latentDim} values, got ${codes.length} values.`);
  }
  if (heldOut.length === 0) throw new Error('There are no held-out images to judge the probes by.');
  const codeResult = probeAccuracy({ values: codes, dim: latentDim }, labels, train, heldOut, { classCount, seed });

  const probeRows = spaced(train, MAX_PIXEL_PROBE_ROWS);
  study.pixelProbe ??= (() => {
    const result = probeAccuracy({ values: images, dim: pixelsPerImage }, labels, probeRows, heldOut, {
      classCount,
      seed,
      epochs: PIXEL_PROBE_EPOCHS,
      centre: false,
    });
    return { accuracy: result.accuracy, features: pixelsPerImage, epochs: result.epochs };
  })();

  const pcaKey = `${latentDim}:${seed}`;
  let pca = study.pcaProbes.get(pcaKey);
  if (!pca) {
    const components = Math.min(latentDim, pixelsPerImage);
    const model = fitPixelPca(images, train, pixelsPerImage, components, { seed, maxRows: PCA_FIT_ROWS, iterations: 3 });
    const everyImage = Int32Array.from({ length: labels.length }, (_, i) => i);
    const scores = projectPixels(model, images, everyImage);
    const result = probeAccuracy({ values: scores, dim: components }, labels, train, heldOut, { classCount, seed });
    let kept = 0;
    for (const variance of model.variances) kept += variance;
    pca = { accuracy: result.accuracy, features: components, epochs: result.epochs, explained: kept / Math.max(totalVariance(images, spaced(train, PCA_FIT_ROWS), pixelsPerImage), 1e-12) };
    study.pcaProbes.set(pcaKey, pca);
  }

  return {
    kind: 'features',
    classCount,
    codes: { accuracy: codeResult.accuracy, features: latentDim, epochs: codeResult.epochs, confusion: codeResult.confusion },
    pixels: study.pixelProbe,
    pca,
    trainCount: train.length,
    testCount: heldOut.length,
  };
}

/** Total pixel variance of the images at `rows` (pixels in [0, 1]): what PCA's share is of. */
function totalVariance(images: Uint8Array, rows: Int32Array, pixelsPerImage: number): number {
  const sum = new Float64Array(pixelsPerImage);
  const squares = new Float64Array(pixelsPerImage);
  for (const row of rows) {
    for (let p = 0; p < pixelsPerImage; p++) {
      const value = images[row * pixelsPerImage + p] / 255;
      sum[p] += value;
      squares[p] += value * value;
    }
  }
  let total = 0;
  for (let p = 0; p < pixelsPerImage; p++) total += squares[p] / rows.length - (sum[p] / rows.length) ** 2;
  return total;
}
