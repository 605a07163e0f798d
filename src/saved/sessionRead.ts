// Reading a session file: unpack only the files a session has, then check every value (shapes,
// counts, indices, numbers) before anything uses it. The first fault is thrown as a SessionFileError.
import { strFromU8, unzipSync } from 'fflate';
import type { ImageShape } from '../data/dataset';
import type { NetworkLayout } from '../model/layout';
import type { WeightSnapshot } from '../model/weights';
import { DEFAULT_RAW_SETTINGS, type RawSettings } from '../model/validate';
import type { ProjectionKind } from '../latent/projection';
import type { ColourMode } from '../viz/pointColouring';
import type { LossPoint, MapZoom } from '../state/appState';
import type { SessionView } from '../state/mapViewState';
import {
  BUILT_IN_DATASET_IDS,
  MAX_SESSION_FILE_BYTES,
  SESSION_FILES as FILES,
  SESSION_FORMAT,
  SESSION_VERSION,
  SessionFileError,
  WEIGHTS_FILE_NAME,
  shapeText,
  type BuiltInDatasetId,
  type DatasetReference,
  type SessionContents,
  type StoredDataset,
} from './sessionFormat';
import { MAX_TEXT, finite, isRecord, text, wholeNumber } from './sessionValueChecks';

/** The unpacked files together may not declare more than this (a zip bomb declares far more). */
const MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024;
const MAX_IMAGES = 2_000_000;
const MAX_SIDE = 512;
const MAX_LOSS_POINTS = 100_000;
const KNOWN_FILES = new Set<string>(Object.values(FILES));
const PROJECTIONS: readonly ProjectionKind[] = ['none', 'pca', 'umap'];
const COLOUR_MODES: readonly ColourMode[] = ['label', 'error', 'dimension', 'factor', 'density'];
const SETTING_KEYS = new Set(Object.keys(DEFAULT_RAW_SETTINGS));

/**
 * Unpack and check a session file. Throws a SessionFileError naming the first fault; never returns
 * values it has not checked (shapes, counts, indices, numbers). Whether the weights fit the model
 * the settings describe is checked separately (`checkSessionFitsModel` in modelCheck.ts), since that needs tfjs.
 */
export function readSessionZip(bytes: Uint8Array): SessionContents {
  if (bytes.length === 0) throw new SessionFileError('The session file is empty.');
  if (bytes.length > MAX_SESSION_FILE_BYTES) {
    throw new SessionFileError(`The session file is ${megabytes(bytes.length)} MB; at most ${megabytes(MAX_SESSION_FILE_BYTES)} MB can be opened.`);
  }
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new SessionFileError('This is not a session file (it is not a zip archive).');
  const files = unpack(bytes);
  const header = parseJson(files, FILES.session);
  if (!isRecord(header) || header.format !== SESSION_FORMAT) {
    throw new SessionFileError('This zip is not a Latent Explorer session (its session.json is missing or of another kind).');
  }
  if (header.version !== SESSION_VERSION) {
    throw new SessionFileError(`This session file has format version ${String(header.version)}; this app reads version ${SESSION_VERSION}.`);
  }
  const savedAt = text(header.savedAt, 'the save date');
  if (Number.isNaN(Date.parse(savedAt))) throw new SessionFileError('The session file has no valid save date.');
  const dataset = readDatasetReference(header.dataset);
  const rawSettings = readSettings(header.settings);
  const { shape, count } = dataset;

  const train = readIndices(files, FILES.train, count, 'training');
  const heldOut = readIndices(files, FILES.heldOut, count, 'held-out');
  if (train.length === 0) throw new SessionFileError('The session has no training images in its split.');
  checkDisjoint(train, heldOut, count);
  const epochOrder = readIndices(files, FILES.epochOrder, count, 'batch order');
  checkSameSet(epochOrder, train, count);

  const encoder = readModel(files, FILES.encoderJson, FILES.encoderWeights, 'encoder');
  const decoder = readModel(files, FILES.decoderJson, FILES.decoderWeights, 'decoder');
  const inputShape = modelInputShape(encoder.layout.topology);
  if (inputShape && !sameShape(inputShape, shape)) {
    throw new SessionFileError(
      `This session's model was made for ${shapeText(inputShape)} images, but its dataset (${dataset.name}) has ${shapeText(shape)} images.`,
    );
  }

  const globalStep = wholeNumber(header.globalStep, 'the step count', 0, Number.MAX_SAFE_INTEGER);
  const optimizerHeader = header.optimizer;
  if (!isRecord(optimizerHeader)) throw new SessionFileError('The session file has no optimizer state.');
  const iterations = wholeNumber(optimizerHeader.iterations, "the optimizer's step count", 0, Number.MAX_SAFE_INTEGER);
  const momentShapes = readShapes(optimizerHeader.momentShapes, 'optimizer moment');
  const firstMoments = readFloats(files, FILES.firstMoments, momentShapes, "Adam's first moments");
  const secondMoments = readFloats(files, FILES.secondMoments, momentShapes, "Adam's second moments");

  const data = dataset.stored ? readStoredData(files, header.classNames, dataset) : null;
  return {
    savedAt,
    dataset,
    data,
    rawSettings,
    split: { train, heldOut },
    losses: readLosses(header.losses),
    view: readView(header.view),
    training: {
      encoder: encoder.weights,
      decoder: decoder.weights,
      optimizer: { iterations, firstMoments, secondMoments },
      globalStep,
      epochOrder,
    },
    layouts: { encoder: encoder.layout, decoder: decoder.layout },
  };
}

function unpack(bytes: Uint8Array): Record<string, Uint8Array> {
  let declared = 0;
  try {
    return unzipSync(bytes, {
      // Only the files a session has are unpacked, and their declared sizes bound the work.
      filter: (file) => {
        if (!KNOWN_FILES.has(file.name)) return false;
        declared += file.originalSize;
        if (declared > MAX_UNPACKED_BYTES) throw new SessionFileError('The session file declares more unpacked data than it could hold (a damaged or hostile zip).');
        return true;
      },
    });
  } catch (error) {
    if (error instanceof SessionFileError) throw error;
    throw new SessionFileError(`The session file is damaged: its zip could not be unpacked (${error instanceof Error ? error.message : String(error)}).`);
  }
}

function requireFile(files: Record<string, Uint8Array>, name: string): Uint8Array {
  const file = files[name];
  if (!file) throw new SessionFileError(`The session file has no ${name}.`);
  return file;
}

function parseJson(files: Record<string, Uint8Array>, name: string): unknown {
  try {
    return JSON.parse(strFromU8(requireFile(files, name)));
  } catch (error) {
    if (error instanceof SessionFileError) throw error;
    throw new SessionFileError(`The session file's ${name} is not valid JSON.`);
  }
}

function readDatasetReference(value: unknown): DatasetReference {
  if (!isRecord(value)) throw new SessionFileError('The session file does not say which images it was trained on.');
  const source = value.source;
  if (source !== 'built-in' && source !== 'files') throw new SessionFileError(`The session's dataset source "${String(source)}" is unknown.`);
  let builtIn: BuiltInDatasetId | undefined;
  if (source === 'built-in') {
    if (!BUILT_IN_DATASET_IDS.includes(value.builtIn as BuiltInDatasetId)) {
      throw new SessionFileError(`The session names a built-in dataset "${String(value.builtIn)}" that this app does not have.`);
    }
    builtIn = value.builtIn as BuiltInDatasetId;
  }
  const shape = readImageShape(value.shape);
  return {
    source,
    builtIn,
    name: text(value.name, 'the dataset name'),
    count: wholeNumber(value.count, 'the image count', 1, MAX_IMAGES),
    shape,
    fingerprint: text(value.fingerprint, 'the dataset fingerprint'),
    stored: source === 'files' && value.stored === true,
  };
}

function readImageShape(value: unknown): ImageShape {
  if (!Array.isArray(value) || value.length !== 3) throw new SessionFileError('The session file gives no valid image shape.');
  const height = wholeNumber(value[0], 'the image height', 1, MAX_SIDE);
  const width = wholeNumber(value[1], 'the image width', 1, MAX_SIDE);
  const channels = wholeNumber(value[2], 'the colour channels', 1, 3);
  if (channels === 2) throw new SessionFileError('The session file gives 2 colour channels; images have 1 or 3.');
  return [height, width, channels];
}

function readSettings(value: unknown): RawSettings {
  if (!isRecord(value)) throw new SessionFileError('The session file has no settings.');
  const raw: Record<string, string> = { ...DEFAULT_RAW_SETTINGS } as Record<string, string>;
  for (const [key, entry] of Object.entries(value)) {
    if (!SETTING_KEYS.has(key)) throw new SessionFileError(`The session file has an unknown setting "${key.slice(0, 40)}".`);
    if (typeof entry !== 'string' || entry.length > MAX_TEXT) throw new SessionFileError(`The session's setting "${key}" is not a short text.`);
    raw[key] = entry;
  }
  return raw as unknown as RawSettings;
}

function readIndices(files: Record<string, Uint8Array>, name: string, count: number, what: string): Int32Array {
  const bytes = requireFile(files, name);
  if (bytes.length % 4 !== 0) throw new SessionFileError(`The session's ${what} indices (${name}) are truncated.`);
  const indices = new Int32Array(bytes.slice().buffer);
  for (const index of indices) {
    if (index < 0 || index >= count) throw new SessionFileError(`The session's ${what} indices name image ${index}, outside its ${count} images.`);
  }
  return indices;
}

function checkDisjoint(train: Int32Array, heldOut: Int32Array, count: number): void {
  const seen = new Uint8Array(count);
  for (const list of [train, heldOut]) {
    for (const index of list) {
      if (seen[index]) throw new SessionFileError(`The session's split lists image ${index} twice.`);
      seen[index] = 1;
    }
  }
}

/** `order` must be a reordering of `train` (each training image once). */
function checkSameSet(order: Int32Array, train: Int32Array, count: number): void {
  if (order.length !== train.length) throw new SessionFileError('The session\'s batch order does not cover its training images.');
  const inTrain = new Uint8Array(count);
  for (const index of train) inTrain[index] = 1;
  for (const index of order) {
    if (inTrain[index] !== 1) throw new SessionFileError('The session\'s batch order does not match its training images.');
    inTrain[index] = 2;
  }
}

function readModel(files: Record<string, Uint8Array>, jsonName: string, weightsName: string, what: string): { layout: NetworkLayout; weights: WeightSnapshot } {
  const json = parseJson(files, jsonName);
  if (!isRecord(json) || json.format !== 'layers-model' || !isRecord(json.modelTopology)) {
    throw new SessionFileError(`The ${what} in the session file (${jsonName}) is not a tfjs Layers model.`);
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isRecord(manifest[0]) || !Array.isArray(manifest[0].weights)) {
    throw new SessionFileError(`The ${what}'s weights manifest (${jsonName}) is not one group of weights.`);
  }
  const paths = manifest[0].paths;
  if (!Array.isArray(paths) || paths.length !== 1 || String(paths[0]).replace(/^\.\//, '') !== WEIGHTS_FILE_NAME) {
    throw new SessionFileError(`The ${what}'s weights manifest (${jsonName}) must point at ${WEIGHTS_FILE_NAME}.`);
  }
  const specs = manifest[0].weights as unknown[];
  const names: string[] = [];
  const shapes: number[][] = [];
  for (const [i, spec] of specs.entries()) {
    if (!isRecord(spec) || spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new SessionFileError(`The ${what}'s weight ${i} is not stored as plain float32.`);
    }
    names.push(text(spec.name, `the ${what}'s weight ${i} name`));
    shapes.push(readShape(spec.shape, `${what} weight ${i}`));
  }
  const weights = readFloats(files, weightsName, shapes, `the ${what}'s weights`);
  return { layout: { topology: json.modelTopology, weightNames: names }, weights };
}

function readShapes(value: unknown, what: string): number[][] {
  if (!Array.isArray(value) || value.length > 10_000) throw new SessionFileError(`The session file has no list of ${what} shapes.`);
  return value.map((shape, i) => readShape(shape, `${what} ${i}`));
}

function readShape(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || value.length > 8) throw new SessionFileError(`The shape of ${what} is not a list of sizes.`);
  return value.map((size) => wholeNumber(size, `a size of ${what}`, 1, 1 << 28));
}

/** Float32 values of several tensors stored back to back, split by their shapes. */
function readFloats(files: Record<string, Uint8Array>, name: string, shapes: number[][], what: string): WeightSnapshot {
  const bytes = requireFile(files, name);
  const sizes = shapes.map((shape) => shape.reduce((product, size) => product * size, 1));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (bytes.length !== total * 4) {
    throw new SessionFileError(`${capitalise(what)} (${name}) hold ${bytes.length} bytes; their shapes need ${total * 4}.`);
  }
  const all = new Float32Array(bytes.slice().buffer);
  for (const value of all) {
    if (!Number.isFinite(value)) throw new SessionFileError(`${capitalise(what)} (${name}) contain a value that is not a number.`);
  }
  const values: Float32Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    values.push(all.slice(offset, offset + size));
    offset += size;
  }
  return { shapes, values };
}

function readStoredData(files: Record<string, Uint8Array>, classNames: unknown, dataset: DatasetReference): StoredDataset {
  const images = requireFile(files, FILES.images);
  const labels = requireFile(files, FILES.labels);
  const [height, width, channels] = dataset.shape;
  if (images.length !== dataset.count * height * width * channels) {
    throw new SessionFileError(`The stored images hold ${images.length} bytes; ${dataset.count} images of ${shapeText(dataset.shape)} need ${dataset.count * height * width * channels}.`);
  }
  if (labels.length !== dataset.count) throw new SessionFileError(`The stored labels number ${labels.length}, not one per image (${dataset.count}).`);
  if (!Array.isArray(classNames) || classNames.length === 0 || classNames.length > 256) {
    throw new SessionFileError('The stored data has no list of class names.');
  }
  const names = classNames.map((name, i) => text(name, `class name ${i}`));
  for (const label of labels) {
    if (label >= names.length) throw new SessionFileError(`A stored label (${label}) has no class name.`);
  }
  return { images, labels, classNames: names };
}

function readLosses(value: unknown): LossPoint[] {
  if (!Array.isArray(value) || value.length > MAX_LOSS_POINTS) throw new SessionFileError('The session file has no valid loss history.');
  return value.map((point, i): LossPoint => {
    if (!isRecord(point)) throw new SessionFileError(`Loss history entry ${i} is not a record.`);
    const result: LossPoint = {
      epoch: wholeNumber(point.epoch, `the epoch of loss entry ${i}`, 1, 1_000_000),
      train: lossNumber(point.train, i),
      heldOut: lossNumber(point.heldOut, i),
    };
    if (point.trainTerms !== undefined) result.trainTerms = readTerms(point.trainTerms, i);
    if (point.heldOutTerms !== undefined) result.heldOutTerms = readTerms(point.heldOutTerms, i);
    return result;
  });
}

function lossNumber(value: unknown, i: number): number {
  if (value === null) return NaN;
  if (typeof value !== 'number') throw new SessionFileError(`Loss history entry ${i} holds a value that is not a number.`);
  return value;
}

function readTerms(value: unknown, i: number): Record<string, number> {
  if (!isRecord(value) || Object.keys(value).length > 16) throw new SessionFileError(`Loss history entry ${i} has invalid loss terms.`);
  return Object.fromEntries(Object.entries(value).map(([name, term]) => [name.slice(0, 40), lossNumber(term, i)]));
}

function readView(value: unknown): SessionView {
  if (!isRecord(value)) throw new SessionFileError('The session file does not describe its map view.');
  const projection = value.projection as ProjectionKind;
  if (!PROJECTIONS.includes(projection)) throw new SessionFileError(`The session's projection "${String(value.projection)}" is unknown.`);
  const colour = value.colourBy;
  if (!isRecord(colour) || !COLOUR_MODES.includes(colour.mode as ColourMode)) throw new SessionFileError('The session\'s map colouring is unknown.');
  const probe = value.probe;
  if (!isRecord(probe)) throw new SessionFileError('The session file has no probe position.');
  let code: number[] | null = null;
  if (probe.code !== null && probe.code !== undefined) {
    if (!Array.isArray(probe.code) || probe.code.length > 1024) throw new SessionFileError('The session\'s probe code is not a list of numbers.');
    code = probe.code.map((entry) => finite(entry, 'a probe code value'));
  }
  let zoom: MapZoom | null = null;
  if (value.zoom !== null && value.zoom !== undefined) {
    if (!isRecord(value.zoom)) throw new SessionFileError('The session\'s zoom is not valid.');
    const k = finite(value.zoom.k, 'the zoom factor');
    if (k < 0.5 || k > 64) throw new SessionFileError(`The session's zoom factor ${k} is outside 0.5 to 64.`);
    zoom = { k, x: finite(value.zoom.x, 'the zoom offset'), y: finite(value.zoom.y, 'the zoom offset') };
    // Files written before the map's size was kept have none: their offsets are used as they are.
    if (value.zoom.width !== undefined || value.zoom.height !== undefined) {
      const width = finite(value.zoom.width, 'the map width of the zoom');
      const height = finite(value.zoom.height, 'the map height of the zoom');
      if (width <= 0 || height <= 0 || width > 100_000 || height > 100_000) throw new SessionFileError('The session\'s zoom has no usable map size.');
      zoom = { ...zoom, width, height };
    }
  }
  return {
    projection,
    colourBy: {
      mode: colour.mode as ColourMode,
      dimension: wholeNumber(colour.dimension, 'the coloured dimension', 0, 1023),
      factor: typeof colour.factor === 'string' ? colour.factor.slice(0, 40) : '',
    },
    zoom,
    probe: {
      x: finite(probe.x, 'the probe position'),
      y: finite(probe.y, 'the probe position'),
      sourceIndex: wholeNumber(probe.sourceIndex, 'the probe image', -1, MAX_IMAGES),
      code,
    },
  };
}

/** The first `batch_input_shape` in a topology, without the batch axis; null if it has none. */
export function modelInputShape(topology: Record<string, unknown>): number[] | null {
  const stack: { node: unknown; depth: number }[] = [{ node: topology, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.shift()!;
    if (depth > 6 || node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node)) {
      const shape = (node as Record<string, unknown>).batch_input_shape;
      if (Array.isArray(shape) && shape.length >= 2 && shape.slice(1).every((size) => Number.isInteger(size))) return shape.slice(1) as number[];
    }
    for (const child of Object.values(node as object).slice(0, 200)) stack.push({ node: child, depth: depth + 1 });
  }
  return null;
}

function capitalise(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function megabytes(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
