// Decide which parser a dropped file needs, from its first bytes (magic numbers) and its name,
// and refuse files too large to hold in a browser tab before reading them.
import { DataFileError } from './errors';
import { gunzipPrefix, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, isGzip } from './idx';

export type FileKind = 'idx-images' | 'idx-labels' | 'cifar' | 'csv' | 'zip' | 'image' | 'unknown';

/** Largest file accepted. The whole file is held in memory, and decoded data needs as much again. */
export const MAX_FILE_BYTES = 300 * 1024 * 1024;
/** How many leading bytes detectFileKind wants: enough to inflate a gzip'd IDX header. */
export const DETECT_PREFIX_BYTES = 64 * 1024;

const IMAGE_NAME = /\.(png|jpe?g|webp|gif|bmp)$/i;
const CSV_NAME = /\.(csv|tsv)$/i;
const IDX_IMAGES_NAME = /idx3[-_.]?ubyte$|\.idx3$/i;
const IDX_LABELS_NAME = /idx1[-_.]?ubyte$|\.idx1$/i;

/** Throw a DataFileError, giving the limit, when a file is larger than MAX_FILE_BYTES. */
export function assertFileSizeAllowed(fileName: string, sizeBytes: number, limitBytes = MAX_FILE_BYTES): void {
  if (sizeBytes > limitBytes) {
    throw new DataFileError(fileName, `is ${megabytes(sizeBytes)} MB; files larger than ${megabytes(limitBytes)} MB cannot be loaded in the browser`);
  }
}

/**
 * Which kind of data file this is. Magic numbers are trusted over names (files get renamed);
 * names decide only where the bytes carry no signature (CIFAR batches, CSV text).
 * `firstBytes` should be the first DETECT_PREFIX_BYTES of the file, or all of a smaller one.
 */
export function detectFileKind(name: string, firstBytes: Uint8Array): FileKind {
  if (startsWith(firstBytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(firstBytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (isImageSignature(firstBytes)) return 'image';
  if (isGzip(firstBytes)) {
    const inner = name.replace(/\.gz$/i, '');
    const kind = idxKind(gunzipPrefix(firstBytes, 4));
    if (kind !== undefined) return kind;
    if (IDX_IMAGES_NAME.test(inner)) return 'idx-images';
    if (IDX_LABELS_NAME.test(inner)) return 'idx-labels';
    return 'unknown';
  }
  // CIFAR batches start with a label byte 0..9 and pixels, which can look like an IDX header
  // by chance, so their extension is checked first.
  if (/\.bin$/i.test(name) && !/idx\d/i.test(name)) return 'cifar';
  const kind = idxKind(firstBytes);
  if (kind !== undefined) return kind;
  if (CSV_NAME.test(name) || (/\.txt$/i.test(name) && looksLikeDelimitedText(firstBytes))) return 'csv';
  if (IMAGE_NAME.test(name)) return 'image';
  if (/\.zip$/i.test(name)) return 'zip';
  return 'unknown';
}

/** IDX files of unsigned bytes with 3 dimensions are images, with 1 are labels. */
function idxKind(bytes: Uint8Array): 'idx-images' | 'idx-labels' | undefined {
  if (bytes.length < 4) return undefined;
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (magic === IDX_IMAGES_MAGIC) return 'idx-images';
  if (magic === IDX_LABELS_MAGIC) return 'idx-labels';
  return undefined;
}

function isImageSignature(bytes: Uint8Array): boolean {
  return (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) || // PNG
    startsWith(bytes, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF8
    (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes.subarray(8), [0x57, 0x45, 0x42, 0x50])) // RIFF....WEBP
  );
  // BMP ("BM") is left to the file name: two ASCII letters are too common a start to trust.
}

/** Printable text with commas, tabs or semicolons in its first line. */
function looksLikeDelimitedText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  for (const byte of sample) if (byte === 0) return false;
  const firstLine = new TextDecoder('utf-8').decode(sample).split('\n')[0];
  return /[,;\t]/.test(firstLine);
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((value, index) => bytes[index] === value);
}

function megabytes(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}
