// IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST), plain or gzip'd, into a Dataset. Every size in
// the header is checked against the bytes actually present before anything is allocated, so a
// corrupt or hostile header is refused with a message instead of exhausting memory.
import { Gunzip } from 'fflate';
import type { Dataset } from '../dataset';
import { DataFileError } from './errors';

/** Raw bytes of one file with the name the user gave it. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** One IDX array: its dimensions (outermost first) and its unsigned-byte values. */
export interface IdxArray {
  dims: number[];
  /** Owns its buffer (offset 0, exact length), so it can be transferred to a worker as is. */
  data: Uint8Array;
}

/** First two bytes of every gzip stream. */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The largest inflated file accepted; EMNIST "byclass" images, the biggest in the family, are 0.55 GB. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/** IDX magic numbers for the unsigned-byte arrays we read. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

const UNSIGNED_BYTE_TYPE = 0x08;
/** The other IDX element types, named so the refusal can say what the file holds. */
const OTHER_TYPE_NAMES: Record<number, string> = {
  0x09: 'signed bytes',
  0x0b: '16-bit integers',
  0x0c: '32-bit integers',
  0x0d: '32-bit floats',
  0x0e: '64-bit floats',
};

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Inflate a gzip stream. The streaming decoder is used on purpose: the one-shot decoder trusts the
 * size in the trailer, which a damaged file can set to 4 GB (one huge allocation) or to a few bytes
 * (silently cut data). Here the output grows as it is produced and stops at `maxBytes`.
 */
export function gunzipChecked(bytes: Uint8Array, fileName: string, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const tooLarge = new DataFileError(fileName, `inflates to more than ${formatBytes(maxBytes)}, the limit for one file`);
  let overLimit = false;
  try {
    const stream = new Gunzip((chunk) => {
      total += chunk.length;
      if (total > maxBytes) {
        overLimit = true;
        throw tooLarge;
      }
      chunks.push(chunk);
    });
    stream.push(bytes, true);
  } catch (error) {
    if (overLimit) throw tooLarge;
    const detail = error instanceof Error ? error.message : String(error);
    throw new DataFileError(fileName, `is not a readable gzip file (${detail})`);
  }
  if (chunks.length === 1) return chunks[0];
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

/**
 * Inflate only the start of a gzip stream, for sniffing a header from the first bytes of a file.
 * Returns what could be decoded (possibly nothing); never throws.
 */
export function gunzipPrefix(prefix: Uint8Array, wantBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Gunzip((chunk) => {
      chunks.push(chunk);
      total += chunk.length;
    });
    stream.push(prefix, false);
  } catch {
    // A prefix may end mid-block or be damaged; whatever was decoded so far is still useful.
  }
  const joined = new Uint8Array(Math.min(total, wantBytes));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= joined.length) break;
    const part = chunk.subarray(0, joined.length - offset);
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Read one IDX file of unsigned bytes (gzip'd or not). Throws DataFileError with the reason. */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  const raw = isGzip(bytes) ? gunzipChecked(bytes, fileName) : bytes;
  if (raw.length === 0) throw new DataFileError(fileName, 'is empty');
  if (raw.length < 4) {
    throw new DataFileError(fileName, `is too short to be an IDX file (${raw.length} bytes)`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new DataFileError(
      fileName,
      `is not an IDX file: it starts with ${hex32(magic)}, expected ${hex32(IDX_IMAGES_MAGIC)} (images) or ${hex32(IDX_LABELS_MAGIC)} (labels)`,
    );
  }
  const elementType = raw[2];
  if (elementType !== UNSIGNED_BYTE_TYPE) {
    const holds = OTHER_TYPE_NAMES[elementType];
    throw new DataFileError(
      fileName,
      holds === undefined
        ? `has an unknown IDX element type 0x${elementType.toString(16).padStart(2, '0')}; only unsigned bytes (0x08) are supported`
        : `holds ${holds} (IDX type 0x${elementType.toString(16).padStart(2, '0')}); only unsigned bytes (0x08) are supported`,
    );
  }
  const dimCount = raw[3];
  if (dimCount === 0) throw new DataFileError(fileName, 'declares zero dimensions in its IDX header');
  const headerBytes = 4 + 4 * dimCount;
  if (raw.length < headerBytes) {
    throw new DataFileError(
      fileName,
      `is truncated: its header declares ${dimCount} dimensions (${headerBytes} header bytes) but the file has ${raw.length} bytes`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < dimCount; d++) dims.push(view.getUint32(4 + 4 * d, false));

  // Multiply step by step and stop as soon as the size passes what the file holds, so absurd
  // header values are caught before any allocation and without leaving exact integer range.
  const available = raw.length - headerBytes;
  let needed = 1;
  for (const dim of dims) {
    needed *= dim;
    if (needed > available) break;
  }
  if (needed > available) {
    throw new DataFileError(
      fileName,
      `is truncated or corrupt: its header describes ${dims.join(' x ')} values (${formatCount(product(dims))} bytes) but only ${formatCount(available)} bytes follow the header`,
    );
  }
  if (needed < available) {
    throw new DataFileError(
      fileName,
      `has ${formatCount(available - needed)} bytes more than its header describes (${dims.join(' x ')}); it may not be an IDX file`,
    );
  }
  return { dims, data: raw.slice(headerBytes, headerBytes + needed) };
}

/**
 * Build a Dataset from an IDX images file and an optional IDX labels file. Without labels every
 * image gets class 0, named "unlabelled". Class names are the label numbers "0".."K-1".
 */
export function idxToDataset(images: NamedBytes, labels?: NamedBytes, name?: string): Dataset {
  const imageArray = parseIdx(images.bytes, images.name);
  if (imageArray.dims.length !== 3) {
    const hint = imageArray.dims.length === 1 ? ' (this looks like a labels file)' : '';
    throw new DataFileError(
      images.name,
      `is not an image file: expected 3 dimensions (count x rows x columns), found ${imageArray.dims.length} (${imageArray.dims.join(' x ')})${hint}`,
    );
  }
  const [count, rows, cols] = imageArray.dims;
  if (count === 0) throw new DataFileError(images.name, 'holds no images');
  if (rows === 0 || cols === 0) throw new DataFileError(images.name, `has images of ${rows} x ${cols} pixels`);

  const datasetName = name ?? idxStem(images.name);
  if (labels === undefined) {
    return { name: datasetName, images: imageArray.data, labels: new Uint8Array(count), shape: [rows, cols, 1], classNames: ['unlabelled'] };
  }

  const labelArray = parseIdx(labels.bytes, labels.name);
  if (labelArray.dims.length !== 1) {
    throw new DataFileError(
      labels.name,
      `is not a labels file: expected 1 dimension (count), found ${labelArray.dims.length} (${labelArray.dims.join(' x ')})`,
    );
  }
  const labelCount = labelArray.dims[0];
  if (labelCount !== count) {
    throw new DataFileError(
      labels.name,
      `has ${formatCount(labelCount)} labels but ${images.name} has ${formatCount(count)} images; the counts must match`,
    );
  }
  let maxLabel = 0;
  for (const label of labelArray.data) if (label > maxLabel) maxLabel = label;
  const classNames = Array.from({ length: maxLabel + 1 }, (_, index) => String(index));
  return { name: datasetName, images: imageArray.data, labels: labelArray.data, shape: [rows, cols, 1], classNames };
}

/** "train-images-idx3-ubyte.gz" -> "train-images"; "t10k-images.idx3-ubyte" -> "t10k-images". */
function idxStem(fileName: string): string {
  const stem = fileName.replace(/\.gz$/i, '').replace(/[-.]idx\d-ubyte$/i, '').replace(/\.(idx|ubyte|bin)$/i, '');
  return stem.length > 0 ? stem : fileName;
}

function product(values: number[]): number {
  return values.reduce((total, value) => total * value, 1);
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function formatCount(value: number): string {
  return Number.isSafeInteger(value) ? value.toLocaleString('en-US') : value.toExponential(2);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${formatCount(bytes)} bytes`;
}
