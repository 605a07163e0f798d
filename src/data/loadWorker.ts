// The data-loading worker: turns the files a user dropped (or a generated set's name) into one
// Dataset off the main thread, so parsing, unzipping and decoding never freeze the page.
// A thin switch over the two requests; each load either posts one dataset or one error.
import { type Dataset, type ImageShape, pixelsPerImage } from './dataset';
import { generateShapes } from './shapes';
import { factorColumns } from './dataset';
import { emojiLoadReport } from './emoji';
import { cifarToDataset } from './parsers/cifar';
import { parseCsv } from './parsers/csv';
import { assertImageSizeAllowed } from './parsers/imageHeader';
import { assertFileSizeAllowed, DETECT_PREFIX_BYTES, detectFileKind, type FileKind } from './parsers/detect';
import { DataFileError, type LoadReport, type SkippedItem } from './parsers/errors';
import { assembleDataset, fitRgbaToShape } from './parsers/fitImage';
import { idxToDataset, type NamedBytes } from './parsers/idx';
import { labelFromPath, unzipImages } from './parsers/zip';

/** The size images and zips are fitted to; other formats keep the size they were stored at. */
export interface ImageTarget {
  size: 28 | 32 | 64;
  channels: 1 | 3;
}

export type GeneratedName = 'shapes' | 'shapes-rgb';

export type LoadRequest =
  | { files: { name: string; bytes: ArrayBuffer }[]; target: ImageTarget }
  | { generate: GeneratedName; seed: number; count: number }
  | { generate: 'emoji'; seed: number; copiesPerEmoji: number; size: number };

export type LoadEvent =
  | { type: 'progress'; done: number; total: number; stage: string }
  | { type: 'done'; dataset: Dataset; skipped: SkippedItem[]; notes: string[] }
  | { type: 'error'; message: string };

export { MAX_DATASET_BYTES } from './limits';
import { MAX_DATASET_BYTES } from './limits';
/** Images decoded at once; a few in flight keep the decoder busy without holding many bitmaps. */
const DECODE_IN_FLIGHT = 8;
/** Progress is posted about this often while decoding, so thousands of images do not flood the page. */
const PROGRESS_EVERY = 50;
/** Large photos are first shrunk to this many times the target by the browser, which is fast. */
const PRESHRINK_FACTOR = 4;

/** A problem with the set of files as a whole; its message already says which files. */
class WholeLoadError extends Error {}

interface WorkerScope {
  onmessage: ((event: MessageEvent<LoadRequest>) => void) | null;
  postMessage(message: LoadEvent, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  void handle(event.data).then(
    (report) => {
      const { dataset } = report;
      const done: LoadEvent = { type: 'done', dataset, skipped: report.skipped, notes: report.notes };
      scope.postMessage(done, uniqueBuffers([dataset.images, dataset.labels]));
    },
    (error: unknown) => scope.postMessage({ type: 'error', message: errorMessage(error, event.data) }),
  );
};

function handle(request: LoadRequest): Promise<LoadReport> {
  if ('generate' in request) {
    if (request.generate === 'emoji') {
      const { seed, copiesPerEmoji, size } = request;
      progress('Drawing emoji', 0, 1);
      return emojiLoadReport({ size, seed, copiesPerEmoji, onProgress: (done, total) => progress('Drawing emoji', done, total) });
    }
    return Promise.resolve(generate(request.generate, request.seed, request.count));
  }
  return loadFiles(request.files, request.target);
}

function progress(stage: string, done: number, total: number): void {
  scope.postMessage({ type: 'progress', stage, done, total });
}

function generate(name: GeneratedName, seed: number, count: number): LoadReport {
  const color = name === 'shapes-rgb';
  progress(color ? 'Drawing coloured shapes' : 'Drawing shapes', 0, 1);
  const { dataset, factors } = generateShapes({ count, size: color ? 32 : 28, color, seed });
  return { dataset: { ...dataset, factors: factorColumns(factors) }, skipped: [], notes: [] };
}

interface DetectedFile extends NamedBytes {
  kind: FileKind;
}

/** Families of kinds that can be joined into one dataset; no two families can. */
const FAMILY_OF: Record<Exclude<FileKind, 'unknown'>, string> = {
  'idx-images': 'IDX',
  'idx-labels': 'IDX',
  cifar: 'CIFAR-10',
  csv: 'CSV',
  zip: 'images',
  image: 'images',
};

const FAMILY_WORDS: Record<string, string> = {
  IDX: 'IDX files',
  'CIFAR-10': 'CIFAR-10 batches',
  CSV: 'CSV files',
  images: 'images',
};

async function loadFiles(files: { name: string; bytes: ArrayBuffer }[], target: ImageTarget): Promise<LoadReport> {
  if (files.length === 0) throw new WholeLoadError('No files were given.');
  progress('Checking the files', 0, files.length);
  const skipped: SkippedItem[] = [];
  const detected: DetectedFile[] = [];
  for (const file of files) {
    assertFileSizeAllowed(file.name, file.bytes.byteLength);
    const bytes = new Uint8Array(file.bytes);
    const kind = kindByName(detectFileKind(file.name, bytes.subarray(0, DETECT_PREFIX_BYTES)), file.name);
    if (kind === 'unknown') {
      if (!isSystemFile(file.name)) skipped.push({ file: file.name, reason: UNKNOWN_REASON });
      continue;
    }
    detected.push({ name: file.name, bytes, kind });
  }
  if (detected.length === 0) {
    const first = skipped[0] ?? { file: files[0].name, reason: UNKNOWN_REASON };
    throw new DataFileError(first.file, first.reason);
  }

  const families = new Map<string, DetectedFile>();
  for (const file of detected) {
    const family = FAMILY_OF[file.kind as Exclude<FileKind, 'unknown'>];
    if (!families.has(family)) families.set(family, file);
  }
  if (families.size > 1) {
    const parts = [...families].map(([family, file]) => `${FAMILY_WORDS[family]} (${file.name})`);
    throw new WholeLoadError(`These files cannot be combined into one dataset: ${parts.join(' and ')}. Load one kind of data at a time.`);
  }

  const family = [...families.keys()][0];
  const report =
    family === 'IDX' ? loadIdx(detected) :
    family === 'CIFAR-10' ? cifarToDataset(detected) :
    family === 'CSV' ? loadCsv(detected) :
    await loadImages(detected, target);
  return { ...report, skipped: [...skipped, ...report.skipped] };
}

/**
 * A file named like IDX whose header is wrong is still read as IDX, so the user hears what is
 * wrong with its header rather than that the file is of no known kind.
 */
function kindByName(kind: FileKind, name: string): FileKind {
  if (kind !== 'unknown') return kind;
  if (/idx3([-_.]?ubyte)?$/i.test(name)) return 'idx-images';
  if (/idx1([-_.]?ubyte)?$/i.test(name)) return 'idx-labels';
  return kind;
}

const UNKNOWN_REASON =
  'is not a kind of data file that can be read here (IDX, CIFAR-10 .bin, CSV, a zip of images, or PNG, JPEG, WebP, GIF or BMP images)';

/** Files operating systems leave in folders; skipping them silently keeps the report about real data. */
function isSystemFile(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.startsWith('.') || base === 'Thumbs.db' || base === 'desktop.ini' || path.includes('__MACOSX/');
}

/**
 * IDX images files, each with its labels file when one was given. A single pair is matched
 * whatever the names; several are matched by name ("train-images..." with "train-labels...").
 */
function loadIdx(files: DetectedFile[]): LoadReport {
  const imageFiles = files.filter((file) => file.kind === 'idx-images');
  const labelFiles = files.filter((file) => file.kind === 'idx-labels');
  if (imageFiles.length === 0) {
    throw new DataFileError(labelFiles[0].name, 'is an IDX labels file; load it together with its images file (e.g. train-images-idx3-ubyte)');
  }
  const skipped: SkippedItem[] = [];
  const pairs: { images: DetectedFile; labels?: DetectedFile }[] = [];
  if (imageFiles.length === 1) {
    pairs.push({ images: imageFiles[0], labels: labelFiles[0] });
    for (const extra of labelFiles.slice(1)) skipped.push({ file: extra.name, reason: 'is a second labels file for one images file; it was not used' });
  } else {
    const unused = new Set(labelFiles);
    for (const images of imageFiles) {
      const key = idxPairKey(images.name);
      const labels = labelFiles.find((file) => unused.has(file) && idxPairKey(file.name) === key);
      if (labels) unused.delete(labels);
      pairs.push({ images, labels });
    }
    for (const extra of unused) skipped.push({ file: extra.name, reason: 'matches no images file by name; it was not used' });
  }

  // Checked before parsing, which is the slow part.
  if (pairs.some((pair) => (pair.labels === undefined) !== (pairs[0].labels === undefined))) {
    const without = pairs.find((pair) => pair.labels === undefined) as { images: DetectedFile };
    throw new DataFileError(without.images.name, 'has no matching labels file, but the other images files do; add its labels file or load it alone');
  }

  const parts: Dataset[] = [];
  pairs.forEach((pair, index) => {
    progress('Reading IDX files', index, pairs.length);
    parts.push(idxToDataset(pair.images, pair.labels));
  });
  const notes = pairs.map((pair, index) =>
    `${pair.images.name}: ${parts[index].labels.length.toLocaleString('en-US')} images of ${parts[index].shape[0]}x${parts[index].shape[1]}` +
      (pair.labels ? `, labels from ${pair.labels.name}.` : ', no labels file, so every image is "unlabelled".'));
  const dataset = concatDatasets(parts, pairs.map((pair) => pair.images.name), parts.length === 1 ? parts[0].name : idxSetName(parts));
  return { dataset, skipped, notes };
}

/** "train-images-idx3-ubyte.gz" and "train-labels-idx1-ubyte" share the key "train--ubyte". */
function idxPairKey(name: string): string {
  return name.toLowerCase().replace(/\.gz$/, '').replace(/images|labels/g, '').replace(/idx[13]/g, '');
}

function idxSetName(parts: Dataset[]): string {
  const stems = parts.map((part) => part.name.replace(/[-_.]?images$/i, ''));
  return stems.join(' + ');
}

function loadCsv(files: DetectedFile[]): LoadReport {
  const reports = files.map((file, index) => {
    progress('Reading CSV files', index, files.length);
    return parseCsv(file.bytes, file.name);
  });
  if (reports.length === 1) return reports[0];
  const dataset = concatDatasets(reports.map((report) => report.dataset), files.map((file) => file.name), reports.map((report) => report.dataset.name).join(' + '));
  return {
    dataset,
    skipped: reports.flatMap((report) => report.skipped),
    notes: reports.flatMap((report, index) => report.notes.map((note) => `${files[index].name}: ${note}`)),
  };
}

/**
 * Join datasets of one shape. Class names are matched by name, so "cat" in two CSV files is one
 * class; when every part has the same names their order is kept.
 */
function concatDatasets(parts: Dataset[], fileNames: string[], name: string): Dataset {
  if (parts.length === 1) return parts[0];
  const shape = parts[0].shape;
  parts.forEach((part, index) => {
    if (part.shape.join('x') !== shape.join('x')) {
      throw new DataFileError(
        fileNames[index] ?? part.name,
        `holds ${part.shape.join('x')} images but ${fileNames[0]} holds ${shape.join('x')}; files of different image sizes cannot be combined`,
      );
    }
  });
  const sameNames = parts.every((part) => part.classNames.join('\n') === parts[0].classNames.join('\n'));
  const collator = new Intl.Collator('en', { numeric: true });
  const classNames = sameNames ? parts[0].classNames : [...new Set(parts.flatMap((part) => part.classNames))].sort(collator.compare);
  if (classNames.length > 256) throw new WholeLoadError(`${name}: the files have ${classNames.length} classes together; at most 256 are supported`);
  const classIndex = new Map(classNames.map((className, index) => [className, index]));

  const count = parts.reduce((total, part) => total + part.labels.length, 0);
  const imageBytes = pixelsPerImage(shape);
  const images = new Uint8Array(count * imageBytes);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const part of parts) {
    images.set(part.images, offset * imageBytes);
    const remap = part.classNames.map((className) => classIndex.get(className) as number);
    for (let i = 0; i < part.labels.length; i++) labels[offset + i] = remap[part.labels[i]];
    offset += part.labels.length;
  }
  return { name, images, labels, shape, classNames };
}

/** One still-encoded image, with the class its folder names. */
interface EncodedImage {
  path: string;
  label: string;
  bytes: Uint8Array;
}

/** Zips of class folders and loose image files (named by their relative path), fitted to `target`. */
async function loadImages(files: DetectedFile[], target: ImageTarget): Promise<LoadReport> {
  const skipped: SkippedItem[] = [];
  const encoded: EncodedImage[] = [];
  for (const [index, file] of files.entries()) {
    if (file.kind === 'zip') {
      progress(`Unpacking ${baseName(file.name)}`, index, files.length);
      const unzipped = unzipImages(file.bytes, file.name);
      skipped.push(...unzipped.skipped);
      encoded.push(...unzipped.images);
    } else {
      encoded.push({ path: file.name, label: labelFromPath(file.name), bytes: file.bytes });
    }
  }

  const shape: ImageShape = [target.size, target.size, target.channels];
  const plannedBytes = encoded.length * pixelsPerImage(shape);
  if (plannedBytes > MAX_DATASET_BYTES) {
    const setName = datasetNameForImages(files);
    throw new DataFileError(
      setName,
      `holds ${encoded.length.toLocaleString('en-US')} images, ${Math.round(plannedBytes / (1024 * 1024))} MB at ${target.size}x${target.size}` +
        `${target.channels === 3 ? ' RGB' : ''}; the limit is ${MAX_DATASET_BYTES / (1024 * 1024)} MB. Choose a smaller image size or grayscale.`,
    );
  }

  const fitted: ({ pixels: Uint8Array; label: string } | null)[] = new Array(encoded.length).fill(null);
  let next = 0;
  let finished = 0;
  const decodeNext = async (): Promise<void> => {
    while (next < encoded.length) {
      const index = next++;
      const image = encoded[index];
      try {
        // The header's declared size is checked first: a tiny file can declare gigapixels.
        assertImageSizeAllowed(image.bytes, image.path);
        fitted[index] = { pixels: await decodeAndFit(image.bytes, shape), label: image.label };
      } catch (error) {
        skipped.push({ file: image.path, reason: error instanceof DataFileError ? error.reason : UNDECODABLE });
      }
      // Encoded bytes are not needed once decoded; letting them go keeps peak memory near one copy.
      image.bytes = EMPTY;
      finished++;
      if (finished % PROGRESS_EVERY === 0) progress('Decoding images', finished, encoded.length);
    }
  };
  progress('Decoding images', 0, encoded.length);
  await Promise.all(Array.from({ length: Math.min(DECODE_IN_FLIGHT, encoded.length) }, decodeNext));
  progress('Building the dataset', encoded.length, encoded.length);

  const items = fitted.filter((item): item is { pixels: Uint8Array; label: string } => item !== null);
  const name = datasetNameForImages(files);
  if (items.length === 0) {
    const failed = skipped.find((item) => item.reason === UNDECODABLE) ?? skipped[0];
    const reason = failed ? ` (${failed.file} ${failed.reason})` : '';
    throw new DataFileError(name, `contains no image that could be decoded${reason}`);
  }
  const dataset = assembleDataset(items, shape, name);
  const undecodable = encoded.length - items.length;
  const notes = [
    `Fitted ${items.length.toLocaleString('en-US')} images to ${target.size}x${target.size} ${target.channels === 3 ? 'RGB' : 'grayscale'} (centre square, shrunk by averaging).`,
  ];
  if (undecodable > 0) notes.push(`${undecodable.toLocaleString('en-US')} images could not be decoded and were skipped.`);
  return { dataset, skipped, notes };
}

const EMPTY = new Uint8Array(0);
const UNDECODABLE = 'could not be decoded as an image';

/**
 * Decode with the browser's own codecs (every format it shows) and fit to `shape`. Large photos
 * are cropped and shrunk by the browser first, so getImageData never copies megapixels.
 */
async function decodeAndFit(bytes: Uint8Array, shape: ImageShape): Promise<Uint8Array> {
  let bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
  try {
    const side = Math.min(bitmap.width, bitmap.height);
    const preshrunk = shape[0] * PRESHRINK_FACTOR;
    if (side > preshrunk) {
      const left = Math.floor((bitmap.width - side) / 2);
      const top = Math.floor((bitmap.height - side) / 2);
      const smaller = await createImageBitmap(bitmap, left, top, side, side, {
        resizeWidth: preshrunk,
        resizeHeight: preshrunk,
        resizeQuality: 'high',
      });
      bitmap.close();
      bitmap = smaller;
    }
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2-D canvas in this worker');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return fitRgbaToShape(data, bitmap.width, bitmap.height, shape);
  } finally {
    bitmap.close();
  }
}

/** A zip's name, or the top folder of loose images picked as a folder, or "Images". */
function datasetNameForImages(files: DetectedFile[]): string {
  if (files.length === 1 && files[0].kind === 'zip') return baseName(files[0].name).replace(/\.zip$/i, '');
  const topFolders = new Set(files.map((file) => (file.name.includes('/') ? file.name.split('/')[0] : '')));
  if (topFolders.size === 1) {
    const [top] = topFolders;
    if (top !== '') return top;
  }
  return files.length === 1 ? baseName(files[0].name) : 'Images';
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function uniqueBuffers(arrays: Uint8Array[]): ArrayBuffer[] {
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}

/** DataFileErrors already name their file; an unexpected error is prefixed with the files it came from. */
function errorMessage(error: unknown, request: LoadRequest): string {
  if (error instanceof DataFileError || error instanceof WholeLoadError) return error.message;
  const text = error instanceof Error ? error.message : String(error);
  if ('generate' in request) return `Could not generate ${request.generate}: ${text}`;
  const names = request.files.map((file) => file.name);
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return `${shown}: ${text}`;
}
