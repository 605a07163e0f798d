// The analysis worker: rebuilds the current model from weight snapshots on the tfjs wasm backend
// (CPU if wasm cannot start) and measures it (PCA baseline, denoising, errors, compression) off
// both the page and the training worker. The API is documented in analysisProtocol.ts.
import * as tf from '../lib/tf';
import { activateBackend, errorText } from '../backends/activate';
import { readTidy } from '../lib/readTensor';
import { buildAutoencoder, type Autoencoder } from '../model/build';
import { corruptImages } from '../model/corruption';
import { applyWeights } from '../model/weights';
import type { ImageShape } from '../data/dataset';
import { projectPixels } from './pixelPca';
import { reconstructFromScores } from './pcaBaseline';
import { PixelBaselineCache, clip01 } from './pixelBaseline';
import { evenSubset, mean, meanPsnr, perImageLoss } from './imageMetrics';
import { codeBytes, codeRanges, quantiseCodes } from './codeQuantise';
import { jpegScanBytes, searchQuality } from './jpegSearch';
import {
  CODE_BITS,
  analysisTransferables,
  type AnalysisCommand,
  type AnalysisEvent,
  type AnalysisJob,
  type AnalysisResult,
  type CompressionResult,
  type CompressionRow,
  type DenoiseResult,
  type ModelSlot,
  type VersusPcaResult,
} from './analysisProtocol';

/** Images per forward pass: bounds memory on large images. */
const CHUNK = 256;
/** Training images encoded to find each code dimension's range for quantisation. */
const RANGE_SAMPLE = 2000;

interface Data {
  images: Uint8Array;
  labels: Uint8Array;
  shape: ImageShape;
  train: Int32Array;
  heldOut: Int32Array;
  pixelsPerImage: number;
}

interface LoadedModel {
  model: Autoencoder;
  loss: 'mse' | 'bce';
  latentDim: number;
}

let data: Data | null = null;
/** Versus PCA's model-independent half, kept while the dataset and the request stay the same. */
const baselines = new PixelBaselineCache();
const models = new Map<ModelSlot, LoadedModel>();
const ready: Promise<void> = (async () => {
  try {
    await activateBackend('wasm');
  } catch {
    await tf.setBackend('cpu');
  }
  await tf.ready();
  post({ type: 'backend', name: tf.getBackend() });
})();
let queue: Promise<void> = Promise.resolve();

function post(event: AnalysisEvent): void {
  (self as unknown as Worker).postMessage(event, analysisTransferables(event));
}

self.onmessage = (message: MessageEvent<AnalysisCommand>) => {
  const command = message.data;
  queue = queue.then(() => ready).then(() => handle(command)).catch((error) => {
    if (command.type === 'run') post({ type: 'failed', id: command.id, message: errorText(error) });
  });
};

async function handle(command: AnalysisCommand): Promise<void> {
  switch (command.type) {
    case 'load-data': {
      const [h, w, c] = command.shape;
      data = { images: command.images, labels: command.labels, shape: command.shape, train: command.train, heldOut: command.heldOut, pixelsPerImage: h * w * c };
      baselines.clear();
      for (const loaded of models.values()) loaded.model.dispose();
      models.clear();
      return;
    }
    case 'set-model': {
      const model = buildAutoencoder(command.config.spec, command.config.training.seed);
      try {
        applyWeights(model.encoder, command.encoder);
        applyWeights(model.decoder, command.decoder);
      } catch (error) {
        model.dispose();
        throw error;
      }
      models.get(command.slot)?.model.dispose();
      models.set(command.slot, { model, loss: command.config.spec.loss, latentDim: command.config.spec.latentDim });
      return;
    }
    case 'run': {
      const result = await runJob(command.job);
      post({ type: 'result', id: command.id, result });
      return;
    }
  }
}

function needData(): Data {
  if (!data) throw new Error('No dataset has been loaded for analysis yet.');
  return data;
}

function needModel(slot: ModelSlot): LoadedModel {
  const loaded = models.get(slot);
  if (!loaded) throw new Error('There is no model to measure yet.');
  return loaded;
}

/** Pixels 0..1 of the images at `indices`, back to back. */
function pixelsOf(indices: Int32Array): Float32Array {
  const { images, pixelsPerImage } = needData();
  const out = new Float32Array(indices.length * pixelsPerImage);
  indices.forEach((index, i) => {
    const base = index * pixelsPerImage;
    for (let p = 0; p < pixelsPerImage; p++) out[i * pixelsPerImage + p] = images[base + p] / 255;
  });
  return out;
}

/** Apply `fn` to the images (pixels 0..1) in chunks; each chunk's output has `width` values per image. */
function mapChunks(pixels: Float32Array, count: number, width: number, fn: (batch: tf.Tensor4D, part: number) => tf.Tensor): Float32Array {
  const { shape, pixelsPerImage } = needData();
  const out = new Float32Array(count * width);
  for (let start = 0, part = 0; start < count; start += CHUNK, part++) {
    const size = Math.min(CHUNK, count - start);
    const values = readTidy(() => {
      const batch = tf.tensor4d(pixels.subarray(start * pixelsPerImage, (start + size) * pixelsPerImage), [size, shape[0], shape[1], shape[2]]);
      return fn(batch, part);
    });
    out.set(values, start * width);
  }
  return out;
}

function encode(loaded: LoadedModel, pixels: Float32Array, count: number): Float32Array {
  return mapChunks(pixels, count, loaded.latentDim, (batch) => loaded.model.encode(batch));
}

function reconstruct(loaded: LoadedModel, pixels: Float32Array, count: number): Float32Array {
  return mapChunks(pixels, count, needData().pixelsPerImage, (batch) => loaded.model.reconstruct(batch));
}

function decode(loaded: LoadedModel, codes: Float32Array, count: number): Float32Array {
  const { pixelsPerImage } = needData();
  const out = new Float32Array(count * pixelsPerImage);
  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    const values = readTidy(() => {
      const input = tf.tensor2d(codes.subarray(start * loaded.latentDim, (start + size) * loaded.latentDim), [size, loaded.latentDim]);
      return loaded.model.decoder.predict(input, { batchSize: size }) as tf.Tensor;
    });
    out.set(values, start * pixelsPerImage);
  }
  return out;
}

async function runJob(job: AnalysisJob): Promise<AnalysisResult> {
  switch (job.kind) {
    case 'reconstruct': {
      const loaded = needModel(job.slot);
      const pixels = pixelsOf(job.indices);
      return { kind: 'reconstruct', codes: encode(loaded, pixels, job.indices.length), pixels: reconstruct(loaded, pixels, job.indices.length) };
    }
    case 'errors': {
      const loaded = needModel(job.slot);
      const { pixelsPerImage } = needData();
      const pixels = pixelsOf(job.indices);
      const rebuilt = reconstruct(loaded, pixels, job.indices.length);
      return { kind: 'errors', errors: perImageLoss(loaded.loss, pixels, rebuilt, job.indices.length, pixelsPerImage) };
    }
    case 'versus-pca':
      return versusPca(job);
    case 'denoise':
      return denoise(job);
    case 'compression':
      return compression(job);
  }
}

function versusPca(job: Extract<AnalysisJob, { kind: 'versus-pca' }>): VersusPcaResult {
  const loaded = needModel(job.slot);
  const loadedData = needData();
  const { images, pixelsPerImage } = loadedData;
  const baseline = baselines.get(loadedData, { components: job.components, evalLimit: job.evalLimit, seed: job.seed, trainIndices: job.trainIndices });
  const { evalRows, latentPca } = baseline;
  const clean = pixelsOf(evalRows);
  const modelRebuilt = reconstruct(loaded, clean, evalRows.length);
  const pcaError = mean(perImageLoss(loaded.loss, clean, baseline.pcaRebuilt, evalRows.length, pixelsPerImage));
  const modelError = mean(perImageLoss(loaded.loss, clean, modelRebuilt, evalRows.length, pixelsPerImage));

  const show = pixelsOf(job.showIndices);
  return {
    kind: 'versus-pca',
    pcaError,
    modelError,
    loss: loaded.loss,
    evaluated: evalRows.length,
    pcaPixels: clip01(reconstructFromScores(latentPca, projectPixels(latentPca, images, job.showIndices), job.showIndices.length)),
    modelPixels: reconstruct(loaded, show, job.showIndices.length),
    // A copy: the result's buffers are transferred to the page, the kept baseline stays here.
    pcaMap: baseline.pcaMap.slice(),
    pcaAxisNames: baseline.axisNames,
    pcaKnnAccuracy: baseline.pcaKnnAccuracy,
    explainedVariance: baseline.explainedVariance,
    fittedImages: baseline.fittedImages,
  };
}

function denoise(job: Extract<AnalysisJob, { kind: 'denoise' }>): DenoiseResult {
  const loadedModels = job.slots.map(needModel);
  const { heldOut, pixelsPerImage } = needData();
  const evalRows = evenSubset(heldOut, job.evalLimit);
  // The show rows go first, so they get the same noise as in the figures.
  const rows = Int32Array.from(new Set([...job.showIndices, ...evalRows]));
  const clean = pixelsOf(rows);
  const noisy = mapChunks(clean, rows.length, pixelsPerImage, (batch, part) => corruptImages(batch, job.noiseType, job.level, job.seed + part));
  const evalPositions = new Set(evalRows);
  const evalIndex = Int32Array.from(rows.map((row, i) => (evalPositions.has(row) ? i : -1)).filter((i) => i >= 0));
  const subset = (pixels: Float32Array) => {
    const out = new Float32Array(evalIndex.length * pixelsPerImage);
    evalIndex.forEach((at, i) => out.set(pixels.subarray(at * pixelsPerImage, (at + 1) * pixelsPerImage), i * pixelsPerImage));
    return out;
  };
  const cleanEval = subset(clean);
  const outputs = loadedModels.map((loaded) => reconstruct(loaded, noisy, rows.length));
  const showCount = job.showIndices.length;
  return {
    kind: 'denoise',
    evaluated: evalIndex.length,
    psnrNoisy: meanPsnr(cleanEval, subset(noisy), evalIndex.length, pixelsPerImage),
    psnrDenoised: outputs.map((output) => meanPsnr(cleanEval, subset(output), evalIndex.length, pixelsPerImage)),
    noisyPixels: noisy.slice(0, showCount * pixelsPerImage),
    outputPixels: outputs.map((output) => output.slice(0, showCount * pixelsPerImage)),
  };
}

async function compression(job: Extract<AnalysisJob, { kind: 'compression' }>): Promise<CompressionResult> {
  const loaded = needModel(job.slot);
  const { train, heldOut, pixelsPerImage, shape } = needData();
  const dim = loaded.latentDim;
  const rangeRows = evenSubset(train, RANGE_SAMPLE);
  const ranges = codeRanges(encode(loaded, pixelsOf(rangeRows), rangeRows.length), rangeRows.length, dim);
  const evalRows = evenSubset(heldOut, job.evalLimit);
  const clean = pixelsOf(evalRows);
  const codes = encode(loaded, clean, evalRows.length);
  const showCodes = encode(loaded, pixelsOf(job.showIndices), job.showIndices.length);
  const jpegRows = evenSubset(heldOut, job.jpegLimit);
  const jpegClean = pixelsOf(jpegRows);
  const jpegShow = pixelsOf(job.showIndices);
  const canJpeg = typeof OffscreenCanvas !== 'undefined' && typeof createImageBitmap === 'function';
  const rows: CompressionRow[] = [];
  for (const bits of CODE_BITS) {
    const decoded = decode(loaded, quantiseCodes(codes, dim, ranges, bits), evalRows.length);
    const budget = codeBytes(dim, bits);
    const row: CompressionRow = {
      bits,
      codeBytes: budget,
      psnr: meanPsnr(clean, decoded, evalRows.length, pixelsPerImage),
      pixels: decode(loaded, quantiseCodes(showCodes, dim, ranges, bits), job.showIndices.length),
      jpegPsnr: NaN,
      jpegBytes: NaN,
      jpegFitted: 0,
      jpegSearched: 0,
      jpegPixels: new Float32Array(0),
    };
    if (canJpeg) {
      const psnrs: number[] = [];
      const sizes: number[] = [];
      for (let i = 0; i < jpegRows.length; i++) {
        const found = await jpegAtBudget(jpegClean.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage), shape, budget);
        psnrs.push(meanPsnr(jpegClean.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage), found.pixels, 1, pixelsPerImage));
        sizes.push(found.bytes);
        if (found.fits) row.jpegFitted++;
      }
      row.jpegSearched = jpegRows.length;
      row.jpegPsnr = mean(psnrs);
      row.jpegBytes = mean(sizes);
      const shown = new Float32Array(job.showIndices.length * pixelsPerImage);
      for (let i = 0; i < job.showIndices.length; i++) {
        const found = await jpegAtBudget(jpegShow.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage), shape, budget);
        shown.set(found.pixels, i * pixelsPerImage);
      }
      row.jpegPixels = shown;
    }
    rows.push(row);
  }
  return {
    kind: 'compression',
    evaluated: evalRows.length,
    inputBytes: pixelsPerImage,
    rows,
    ...(canJpeg ? {} : { jpegProblem: 'This browser cannot encode JPEG in a worker (no OffscreenCanvas).' }),
  };
}

/** One image (pixels 0..1) as a JPEG at the highest quality whose scan fits `budget` bytes, decoded back. */
async function jpegAtBudget(pixels: Float32Array, shape: ImageShape, budget: number): Promise<{ pixels: Float32Array; bytes: number; fits: boolean }> {
  const [height, width, channels] = shape;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2-D canvas in the analysis worker.');
  const image = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 3; k++) image.data[4 * i + k] = Math.round(255 * pixels[i * channels + (channels >= 3 ? k : 0)]);
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  const blobs = new Map<number, Blob>();
  const sizeAt = async (quality: number) => {
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    blobs.set(quality, blob);
    return jpegScanBytes(new Uint8Array(await blob.arrayBuffer()));
  };
  const found = await searchQuality(budget, sizeAt, 7);
  const blob = blobs.get(found.quality) ?? (await canvas.convertToBlob({ type: 'image/jpeg', quality: found.quality }));
  const bitmap = await createImageBitmap(blob);
  context.clearRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const back = context.getImageData(0, 0, width, height).data;
  const out = new Float32Array(height * width * channels);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < channels; k++) out[i * channels + k] = back[4 * i + (channels >= 3 ? Math.min(k, 2) : 0)] / 255;
  }
  return { pixels: out, bytes: found.bytes, fits: found.fits };
}
