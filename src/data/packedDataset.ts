// The app's own compact dataset file ("LEXD"): parse, encode, and fetch the built-in MNIST digits.
// scripts/pack-mnist.mjs writes the same format at build time; keep the two descriptions in step.
//
// File format "LEXD" version 1 (all integers little-endian; served gzip'd):
//   offset  size        field
//   0       4           magic, ASCII "LEXD"
//   4       4           uint32 version = 1
//   8       4           uint32 count (number of images)
//   12      1           uint8 height
//   13      1           uint8 width
//   14      1           uint8 channels
//   15      1           uint8 classCount
//   16      4           uint32 byte length L of the class-name JSON
//   20      L           class names, a UTF-8 JSON array of classCount strings
//   20+L    count       labels, one uint8 class index per image
//   ...     count*h*w*c pixels, uint8 0..255, image after image, row-major, channels last
import { type Dataset, pixelsPerImage } from './dataset';

export const PACKED_MAGIC = 'LEXD';
export const PACKED_VERSION = 1;
const HEADER_BYTES = 20;
const GZIP_MAGIC = [0x1f, 0x8b];

/** Where the build puts the packed MNIST digits, relative to the app's base URL. */
export const BUILT_IN_MNIST_PATH = 'data/mnist.bin.gz';
export const BUILT_IN_MNIST_NAME = 'MNIST digits';

function readMagic(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.subarray(0, 4));
}

/**
 * Reads a decompressed LEXD file. Throws an Error saying what is wrong (not a LEXD file, an
 * unknown version, a truncated or oversized body, labels out of range) rather than returning
 * a dataset that would break later. The returned arrays are copies, so their buffers can be
 * transferred to a worker on their own.
 */
export function parsePackedDataset(bytes: Uint8Array, name: string): Dataset {
  const where = `packed dataset "${name}"`;
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    throw new Error(`${where}: the bytes are still gzip'd; decompress them before parsing`);
  }
  if (bytes.length < 4 || readMagic(bytes) !== PACKED_MAGIC) {
    const seen = JSON.stringify(readMagic(bytes));
    throw new Error(`${where}: wrong magic ${seen}, expected "${PACKED_MAGIC}"; not a LEXD file`);
  }
  if (bytes.length < HEADER_BYTES) {
    throw new Error(`${where}: truncated header (${bytes.length} of ${HEADER_BYTES} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== PACKED_VERSION) {
    throw new Error(`${where}: unsupported version ${version}, this app reads version ${PACKED_VERSION}`);
  }
  const count = view.getUint32(8, true);
  const height = view.getUint8(12);
  const width = view.getUint8(13);
  const channels = view.getUint8(14);
  const classCount = view.getUint8(15);
  const namesLength = view.getUint32(16, true);
  if (count === 0 || height === 0 || width === 0 || channels === 0 || classCount === 0) {
    throw new Error(`${where}: empty header field (count ${count}, shape ${height}x${width}x${channels}, ` +
      `${classCount} classes)`);
  }

  const namesEnd = HEADER_BYTES + namesLength;
  const shape = [height, width, channels] as const;
  const labelsEnd = namesEnd + count;
  const expectedLength = labelsEnd + count * pixelsPerImage(shape);
  if (bytes.length < expectedLength) {
    throw new Error(`${where}: truncated, ${bytes.length} bytes but the header promises ${expectedLength} ` +
      `(${count} images of ${height}x${width}x${channels})`);
  }
  if (bytes.length > expectedLength) {
    throw new Error(`${where}: ${bytes.length - expectedLength} unexpected bytes after the pixels`);
  }

  let classNames: unknown;
  try {
    classNames = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, namesEnd)));
  } catch (error) {
    throw new Error(`${where}: class names are not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(classNames) || classNames.length !== classCount ||
      !classNames.every((className) => typeof className === 'string')) {
    throw new Error(`${where}: class names must be a JSON array of ${classCount} strings`);
  }

  // new Uint8Array(view) copies; Buffer#slice would not, so avoid slice() for Node callers.
  const labels = new Uint8Array(bytes.subarray(namesEnd, labelsEnd));
  const badIndex = labels.findIndex((label) => label >= classCount);
  if (badIndex >= 0) {
    throw new Error(`${where}: label ${labels[badIndex]} of image ${badIndex} is not below ${classCount}`);
  }
  return { name, images: new Uint8Array(bytes.subarray(labelsEnd, expectedLength)), labels, shape, classNames };
}

/** Writes a dataset as an (uncompressed) LEXD file; the inverse of parsePackedDataset. */
export function encodePackedDataset(dataset: Dataset): Uint8Array {
  const { images, labels, shape, classNames } = dataset;
  const count = labels.length;
  if (shape.some((size) => !Number.isInteger(size) || size < 1 || size > 255)) {
    throw new Error(`encodePackedDataset: each of height, width, channels must be 1..255, got ${shape.join('x')}`);
  }
  if (classNames.length < 1 || classNames.length > 255) {
    throw new Error(`encodePackedDataset: 1..255 classes fit the format, got ${classNames.length}`);
  }
  if (count === 0 || images.length !== count * pixelsPerImage(shape)) {
    throw new Error(`encodePackedDataset: ${images.length} pixels do not make ${count} images of ${shape.join('x')}`);
  }
  const namesJson = new TextEncoder().encode(JSON.stringify(classNames));
  const labelsAt = HEADER_BYTES + namesJson.length;
  const out = new Uint8Array(labelsAt + count + images.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = PACKED_MAGIC.charCodeAt(i);
  view.setUint32(4, PACKED_VERSION, true);
  view.setUint32(8, count, true);
  view.setUint8(12, shape[0]);
  view.setUint8(13, shape[1]);
  view.setUint8(14, shape[2]);
  view.setUint8(15, classNames.length);
  view.setUint32(16, namesJson.length, true);
  out.set(namesJson, HEADER_BYTES);
  out.set(labels, labelsAt);
  out.set(images, labelsAt + count);
  return out;
}

/** Gunzips with the platform's DecompressionStream (browsers, workers and Node 20 all have it). */
export async function gunzip(compressed: ArrayBuffer): Promise<Uint8Array> {
  const stream = new Response(compressed).body;
  if (!stream) throw new Error('gunzip: no body to read');
  const inflated = stream.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

/**
 * Fetches a LEXD file, gzip'd or not. Some static hosts serve `.gz` files with
 * `Content-Encoding: gzip`, so the browser has already inflated them; the gzip magic bytes tell.
 */
export async function fetchPackedDataset(
  url: string,
  name: string,
  fetchFn: (url: string) => Promise<Response> = fetch,
): Promise<Dataset> {
  const response = await fetchFn(url);
  if (!response.ok) {
    throw new Error(`could not load ${name} from ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const body = await response.arrayBuffer();
  const head = new Uint8Array(body, 0, Math.min(2, body.byteLength));
  let bytes: Uint8Array = new Uint8Array(body);
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
    try {
      bytes = await gunzip(body);
    } catch (error) {
      throw new Error(`could not gunzip ${name} from ${url}: ${(error as Error).message}`);
    }
  }
  return parsePackedDataset(bytes, name);
}

/** The built-in dataset: 10,000 MNIST digits, classes "0".."9" (see scripts/pack-mnist.mjs). */
export async function loadBuiltInMnist(
  url: string,
  fetchFn: (url: string) => Promise<Response> = fetch,
): Promise<Dataset> {
  return fetchPackedDataset(url, BUILT_IN_MNIST_NAME, fetchFn);
}
