// CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin) into one Dataset. Each record is a
// label byte then a 32x32 image stored channel-planar (all red, all green, all blue); the Dataset
// wants channels last, so records are interleaved on the way in.
import type { Dataset } from '../dataset';
import { DataFileError, type LoadReport, type SkippedItem } from './errors';
import type { NamedBytes } from './idx';

export const CIFAR_SIDE = 32;
const PLANE_BYTES = CIFAR_SIDE * CIFAR_SIDE;
const IMAGE_BYTES = PLANE_BYTES * 3;
/** One label byte plus the image. */
export const CIFAR_RECORD_BYTES = 1 + IMAGE_BYTES;
/** CIFAR-100 records carry two label bytes (coarse, fine); recognised only to name the mistake. */
const CIFAR100_RECORD_BYTES = 2 + IMAGE_BYTES;

export const CIFAR10_CLASS_NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

/** One batch file's records, still to be joined with the others. */
export interface CifarBatch {
  images: Uint8Array;
  labels: Uint8Array;
}

/** Read one CIFAR-10 batch file; throws DataFileError naming the file when it is not one. */
export function parseCifarBatch(bytes: Uint8Array, fileName: string): CifarBatch {
  if (bytes.length === 0) throw new DataFileError(fileName, 'is empty');
  if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
    const cifar100 = bytes.length % CIFAR100_RECORD_BYTES === 0 ? ' It looks like a CIFAR-100 batch (3074-byte records), which is not supported.' : '';
    throw new DataFileError(
      fileName,
      `is ${bytes.length.toLocaleString('en-US')} bytes, not a whole number of ${CIFAR_RECORD_BYTES}-byte CIFAR-10 records (1 label byte + 32x32x3 pixels).${cifar100}`,
    );
  }
  const count = bytes.length / CIFAR_RECORD_BYTES;
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let record = 0; record < count; record++) {
    const start = record * CIFAR_RECORD_BYTES;
    const label = bytes[start];
    if (label >= CIFAR10_CLASS_NAMES.length) {
      throw new DataFileError(fileName, `record ${record + 1} has label ${label}; CIFAR-10 labels are 0..9`);
    }
    labels[record] = label;
    const pixels = start + 1;
    const out = record * IMAGE_BYTES;
    for (let pixel = 0; pixel < PLANE_BYTES; pixel++) {
      images[out + pixel * 3] = bytes[pixels + pixel];
      images[out + pixel * 3 + 1] = bytes[pixels + PLANE_BYTES + pixel];
      images[out + pixel * 3 + 2] = bytes[pixels + 2 * PLANE_BYTES + pixel];
    }
  }
  return { images, labels };
}

/**
 * Join several CIFAR-10 batch files, in the order given, into one Dataset. A file that is not a
 * valid batch is skipped and reported; if none is valid the first file's error is thrown.
 */
export function cifarToDataset(files: readonly NamedBytes[], name = 'CIFAR-10'): LoadReport {
  const batches: CifarBatch[] = [];
  const skipped: SkippedItem[] = [];
  let firstError: DataFileError | undefined;
  for (const file of files) {
    try {
      batches.push(parseCifarBatch(file.bytes, file.name));
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      firstError ??= error;
      skipped.push({ file: error.fileName, reason: error.reason });
    }
  }
  if (batches.length === 0) throw firstError ?? new DataFileError(name, 'no CIFAR-10 batch files were given');

  const count = batches.reduce((total, batch) => total + batch.labels.length, 0);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const batch of batches) {
    images.set(batch.images, offset * IMAGE_BYTES);
    labels.set(batch.labels, offset);
    offset += batch.labels.length;
  }
  const dataset: Dataset = {
    name,
    images,
    labels,
    shape: [CIFAR_SIDE, CIFAR_SIDE, 3],
    classNames: [...CIFAR10_CLASS_NAMES],
  };
  const notes = [`Read ${count.toLocaleString('en-US')} images from ${batches.length} of ${files.length} batch files.`];
  return { dataset, skipped, notes };
}
