// File parsers: every fixture is built here in code (IDX, gzip, CIFAR records, CSV text, zip),
// so each test shows exactly which bytes it feeds in and what must come out.
import { describe, expect, it } from 'vitest';
import { gzipSync, strToU8, zipSync } from 'fflate';
import { cifarToDataset, parseCifarBatch, CIFAR_RECORD_BYTES } from '../../src/data/parsers/cifar';
import { parseCsv, MAX_LISTED_BAD_ROWS } from '../../src/data/parsers/csv';
import { assertFileSizeAllowed, detectFileKind, MAX_FILE_BYTES } from '../../src/data/parsers/detect';
import { DataFileError } from '../../src/data/parsers/errors';
import { assembleDataset, fitRgbaToShape } from '../../src/data/parsers/fitImage';
import { gunzipChecked, idxToDataset, parseIdx } from '../../src/data/parsers/idx';
import { unzipImages } from '../../src/data/parsers/zip';

// ---------- fixtures ----------

/** An IDX file: magic 00 00 <type> <dims>, big-endian dims, then the data. */
function idxFile(dims: number[], data: ArrayLike<number>, elementType = 0x08): Uint8Array {
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + data.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = elementType;
  bytes[3] = dims.length;
  dims.forEach((dim, index) => view.setUint32(4 + 4 * index, dim, false));
  bytes.set(Array.from(data), header);
  return bytes;
}

/** Three 2x3 images whose pixel k of image i is 10 * i + k, and labels 2, 0, 1. */
const IMAGE_COUNT = 3;
const ROWS = 2;
const COLS = 3;
const imagePixels = Array.from({ length: IMAGE_COUNT * ROWS * COLS }, (_, index) => 10 * Math.floor(index / (ROWS * COLS)) + (index % (ROWS * COLS)));
const imagesIdx = idxFile([IMAGE_COUNT, ROWS, COLS], imagePixels);
const labelsIdx = idxFile([IMAGE_COUNT], [2, 0, 1]);

/** Expect `action` to throw a DataFileError for `fileName` whose message matches every pattern. */
function expectDataFileError(action: () => unknown, fileName: string, ...patterns: RegExp[]): DataFileError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DataFileError);
  const error = caught as DataFileError;
  expect(error.fileName).toBe(fileName);
  expect(error.message.startsWith(`${fileName}: `)).toBe(true);
  for (const pattern of patterns) expect(error.message).toMatch(pattern);
  return error;
}

/** A CIFAR-10 record: label, then planes R, G, B, each with its own pattern per pixel. */
function cifarRecord(label: number, seedValue: number): Uint8Array {
  const record = new Uint8Array(CIFAR_RECORD_BYTES);
  record[0] = label;
  for (let pixel = 0; pixel < 1024; pixel++) {
    record[1 + pixel] = (pixel + seedValue) % 256;
    record[1 + 1024 + pixel] = (pixel * 3 + seedValue) % 256;
    record[1 + 2048 + pixel] = 255 - ((pixel + seedValue) % 256);
  }
  return record;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** An RGBA image from a function giving [r, g, b, a] per pixel. */
function rgbaImage(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgba.set(pixel(x, y), (y * width + x) * 4);
  return rgba;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// ---------- IDX ----------

describe('IDX parser', () => {
  it('reads dims and unsigned-byte data from a plain IDX file into a buffer of its own', () => {
    const parsed = parseIdx(imagesIdx, 'imgs-idx3-ubyte');
    expect(parsed.dims).toEqual([IMAGE_COUNT, ROWS, COLS]);
    expect(Array.from(parsed.data)).toEqual(imagePixels);
    expect(parsed.data.byteOffset).toBe(0);
    expect(parsed.data.buffer.byteLength).toBe(imagePixels.length);
  });

  it('builds a [rows, cols, 1] dataset with labels and class names "0".."K-1"', () => {
    const dataset = idxToDataset({ name: 'train-images-idx3-ubyte', bytes: imagesIdx }, { name: 'train-labels-idx1-ubyte', bytes: labelsIdx });
    expect(dataset.shape).toEqual([ROWS, COLS, 1]);
    expect(Array.from(dataset.images)).toEqual(imagePixels);
    expect(Array.from(dataset.labels)).toEqual([2, 0, 1]);
    expect(dataset.classNames).toEqual(['0', '1', '2']);
    expect(dataset.name).toBe('train-images');
  });

  it('inflates gzip-wrapped images and labels to the same dataset as the plain files', () => {
    const plain = idxToDataset({ name: 'i', bytes: imagesIdx }, { name: 'l', bytes: labelsIdx });
    const zipped = idxToDataset({ name: 'i.gz', bytes: gzipSync(imagesIdx) }, { name: 'l.gz', bytes: gzipSync(labelsIdx) });
    expect(Array.from(zipped.images)).toEqual(Array.from(plain.images));
    expect(Array.from(zipped.labels)).toEqual(Array.from(plain.labels));
    expect(zipped.shape).toEqual(plain.shape);
  });

  it('without a labels file puts every image in class 0 named "unlabelled"', () => {
    const dataset = idxToDataset({ name: 'imgs', bytes: imagesIdx });
    expect(Array.from(dataset.labels)).toEqual([0, 0, 0]);
    expect(dataset.classNames).toEqual(['unlabelled']);
  });

  it('refuses a truncated data section, naming the file and the sizes', () => {
    const truncated = imagesIdx.subarray(0, imagesIdx.length - 5);
    expectDataFileError(() => parseIdx(truncated, 'cut.idx3-ubyte'), 'cut.idx3-ubyte', /truncated/, /3 x 2 x 3/, /13 bytes follow/);
  });

  it('refuses a file cut inside its header', () => {
    expectDataFileError(() => parseIdx(imagesIdx.subarray(0, 9), 'head.idx'), 'head.idx', /truncated/, /3 dimensions/);
  });

  it('refuses a truncated gzip stream as unreadable gzip', () => {
    const zipped = gzipSync(imagesIdx);
    expectDataFileError(() => parseIdx(zipped.subarray(0, 12), 'x.gz'), 'x.gz', /not a readable gzip/);
  });

  it('refuses a wrong magic number and says which magic numbers are expected', () => {
    const png = new Uint8Array([...PNG_SIGNATURE, 0, 0, 0, 0]);
    expectDataFileError(() => parseIdx(png, 'photo.png'), 'photo.png', /not an IDX file/, /0x89504e47/, /0x00000803/, /0x00000801/);
  });

  it('refuses element types other than unsigned bytes, naming the type found', () => {
    const floats = idxFile([1, 1, 1], [0, 0, 0, 0], 0x0d);
    expectDataFileError(() => parseIdx(floats, 'f.idx'), 'f.idx', /32-bit floats/, /only unsigned bytes/);
  });

  it('refuses image and label counts that differ, naming both counts and both files', () => {
    const twoLabels = idxFile([2], [0, 1]);
    expectDataFileError(
      () => idxToDataset({ name: 'imgs', bytes: imagesIdx }, { name: 'labs', bytes: twoLabels }),
      'labs',
      /2 labels/,
      /imgs has 3 images/,
    );
  });

  it('refuses a labels file given as the images file (wrong number of dimensions)', () => {
    expectDataFileError(() => idxToDataset({ name: 'labs', bytes: labelsIdx }), 'labs', /not an image file/, /found 1/, /labels file/);
  });

  it('refuses an images file given as the labels file', () => {
    expectDataFileError(
      () => idxToDataset({ name: 'imgs', bytes: imagesIdx }, { name: 'imgs2', bytes: imagesIdx }),
      'imgs2',
      /not a labels file/,
      /found 3/,
    );
  });

  it('refuses an empty file, plain or gzip-wrapped', () => {
    expectDataFileError(() => parseIdx(new Uint8Array(0), 'empty'), 'empty', /is empty/);
    expectDataFileError(() => parseIdx(gzipSync(new Uint8Array(0)), 'empty.gz'), 'empty.gz', /is empty/);
  });

  it('refuses header values needing more bytes than the file has, before allocating anything', () => {
    const huge = idxFile([0xffffffff, 0xffffffff, 0xffffffff], [1, 2, 3, 4]);
    const started = performance.now();
    // A parser that trusted the header would fail with a RangeError from the allocation instead.
    expectDataFileError(() => parseIdx(huge, 'huge.idx'), 'huge.idx', /truncated or corrupt/, /4294967295 x 4294967295 x 4294967295/, /only 4 bytes/);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('stops inflating a gzip stream once it passes the size limit', () => {
    const bomb = gzipSync(new Uint8Array(100_000));
    expectDataFileError(() => gunzipChecked(bomb, 'bomb.gz', 10_000), 'bomb.gz', /inflates to more than 10,000 bytes/);
    expect(gunzipChecked(bomb, 'bomb.gz', 100_000).length).toBe(100_000);
  });

  it('refuses trailing bytes the header does not describe', () => {
    expectDataFileError(() => parseIdx(concat(labelsIdx, new Uint8Array(7)), 'long'), 'long', /7 bytes more/);
  });
});

// ---------- CIFAR-10 ----------

describe('CIFAR-10 parser', () => {
  it('reads records into [32, 32, 3] channels-last images with the CIFAR-10 class names', () => {
    const batch = concat(cifarRecord(3, 0), cifarRecord(9, 50));
    const { dataset, skipped } = cifarToDataset([{ name: 'data_batch_1.bin', bytes: batch }]);
    expect(skipped).toEqual([]);
    expect(dataset.shape).toEqual([32, 32, 3]);
    expect(Array.from(dataset.labels)).toEqual([3, 9]);
    expect(dataset.classNames[0]).toBe('airplane');
    expect(dataset.classNames[3]).toBe('cat');
    expect(dataset.classNames[9]).toBe('truck');
    // Pixel p of record 1 (seed 50): R, G, B come from the three planes.
    for (const pixel of [0, 1, 31, 32, 500, 1023]) {
      const at = 3072 + pixel * 3;
      expect([dataset.images[at], dataset.images[at + 1], dataset.images[at + 2]]).toEqual([
        (pixel + 50) % 256,
        (pixel * 3 + 50) % 256,
        255 - ((pixel + 50) % 256),
      ]);
    }
  });

  it('concatenates several batch files in the order given', () => {
    const { dataset, notes } = cifarToDataset([
      { name: 'data_batch_1.bin', bytes: concat(cifarRecord(1, 0), cifarRecord(2, 0)) },
      { name: 'data_batch_2.bin', bytes: cifarRecord(7, 9) },
    ]);
    expect(Array.from(dataset.labels)).toEqual([1, 2, 7]);
    expect(dataset.images.length).toBe(3 * 3072);
    expect(dataset.images[2 * 3072]).toBe(9); // first red value of the third record
    expect(notes.join(' ')).toMatch(/3 images from 2 of 2/);
  });

  it('refuses a batch whose length is not a multiple of 3073 bytes', () => {
    expectDataFileError(() => parseCifarBatch(new Uint8Array(CIFAR_RECORD_BYTES + 10), 'bad.bin'), 'bad.bin', /3073-byte/, /3,083 bytes/);
    expectDataFileError(() => parseCifarBatch(new Uint8Array(0), 'none.bin'), 'none.bin', /is empty/);
  });

  it('names CIFAR-100 batches (3074-byte records) as unsupported', () => {
    expectDataFileError(() => parseCifarBatch(new Uint8Array(3074 * 2), 'train.bin'), 'train.bin', /CIFAR-100/);
  });

  it('refuses a record label outside 0..9', () => {
    expectDataFileError(() => parseCifarBatch(concat(cifarRecord(0, 0), cifarRecord(12, 0)), 'b.bin'), 'b.bin', /record 2 has label 12/);
  });

  it('keeps the good batch files and reports the bad one as skipped', () => {
    const report = cifarToDataset([
      { name: 'good.bin', bytes: cifarRecord(4, 0) },
      { name: 'short.bin', bytes: new Uint8Array(100) },
    ]);
    expect(Array.from(report.dataset.labels)).toEqual([4]);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0].file).toBe('short.bin');
    expect(report.skipped[0].reason).toMatch(/3073/);
  });

  it('throws the first file error when no batch file is valid', () => {
    expectDataFileError(() => cifarToDataset([{ name: 'a.bin', bytes: new Uint8Array(5) }, { name: 'b.bin', bytes: new Uint8Array(6) }]), 'a.bin', /3073/);
  });
});

// ---------- CSV ----------

describe('CSV parser', () => {
  it('reads a header with a "label" column, numeric labels mapped to their numbers', () => {
    const csv = 'label,p0,p1,p2,p3\n2,0,255,128,64\n0,1,2,3,4\n';
    const { dataset, skipped } = parseCsv(csv, 'digits.csv');
    expect(skipped).toEqual([]);
    expect(dataset.shape).toEqual([2, 2, 1]);
    expect(Array.from(dataset.images)).toEqual([0, 255, 128, 64, 1, 2, 3, 4]);
    expect(Array.from(dataset.labels)).toEqual([2, 0]);
    expect(dataset.classNames).toEqual(['0', '1', '2']);
    expect(dataset.name).toBe('digits');
  });

  it('finds a label column named "class" anywhere in the header', () => {
    const { dataset } = parseCsv('a,b,c,d,Class\n9,8,7,6,1\n5,4,3,2,0\n', 'x.csv');
    expect(Array.from(dataset.images)).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
    expect(Array.from(dataset.labels)).toEqual([1, 0]);
  });

  it('without a header takes the first column as the label when it is one more than a square', () => {
    const { dataset, notes } = parseCsv('3,10,20,30,40\n1,50,60,70,80\n', 'nohead.csv');
    expect(dataset.shape).toEqual([2, 2, 1]);
    expect(Array.from(dataset.labels)).toEqual([3, 1]);
    expect(Array.from(dataset.images)).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
    expect(notes[0]).toMatch(/labels in column 1/);
  });

  it('without a header or label column reads every value as a pixel, all in class "unlabelled"', () => {
    const { dataset } = parseCsv('10,20,30,40,50,60,70,80,90\n1,2,3,4,5,6,7,8,9\n', 'pix.csv');
    expect(dataset.shape).toEqual([3, 3, 1]);
    expect(dataset.images.length).toBe(18);
    expect(dataset.classNames).toEqual(['unlabelled']);
  });

  it('reads 12 values plus a label as a 2x2 RGB image, channels interleaved', () => {
    const row = [1, ...Array.from({ length: 12 }, (_, index) => index * 10)].join(',');
    const { dataset } = parseCsv(`${row}\n${row}\n`, 'rgb.csv');
    expect(dataset.shape).toEqual([2, 2, 3]);
    expect(Array.from(dataset.images.subarray(0, 12))).toEqual(Array.from({ length: 12 }, (_, index) => index * 10));
  });

  it('detects 0..1 values (max <= 1) and scales them to 0..255', () => {
    const { dataset, notes } = parseCsv('label,a,b,c,d\n1,0,0.5,1,0.25\n0,1,1,0,0\n', 'unit.csv');
    expect(Array.from(dataset.images)).toEqual([0, 128, 255, 64, 255, 255, 0, 0]);
    expect(notes.join(' ')).toMatch(/between 0 and 1/);
  });

  it('does not rescale 0..255 data that happens to contain fractions', () => {
    const { dataset } = parseCsv('0.4,2,3.6,255\n', 'f.csv');
    expect(Array.from(dataset.images)).toEqual([0, 2, 4, 255]);
  });

  it('maps string labels to class names in order of first appearance', () => {
    const csv = 'class,a,b,c,d\ndog,0,0,0,0\ncat,1,1,1,1\ndog,2,2,2,2\nbird,3,3,3,3\n';
    const { dataset } = parseCsv(csv, 'pets.csv');
    expect(dataset.classNames).toEqual(['dog', 'cat', 'bird']);
    expect(Array.from(dataset.labels)).toEqual([0, 1, 0, 2]);
  });

  it('treats a headerless first row with a string label as data, not as a header', () => {
    const { dataset } = parseCsv('cat,1,2,3,4\ndog,5,6,7,8\n', 'p.csv');
    expect(dataset.classNames).toEqual(['cat', 'dog']);
    expect(dataset.images.length).toBe(8);
  });

  it('skips rows with too few or too many values, non-numeric, empty or out-of-range cells, and counts them by line', () => {
    const csv = [
      'label,a,b,c,d', // line 1
      '1,10,11,12,13', // 2 good
      '1,10,11,12', // 3 too few values
      '0,20,21,22,23', // 4 good
      '0,20,abc,22,23', // 5 non-numeric
      '', // 6 blank: ignored, not counted
      '2,30,,32,33', // 7 empty cell
      '2,30,31,300,33', // 8 out of range
      '2,40,41,42,43', // 9 good
      '2,50,51,52,53,54', // 10 too many values
    ].join('\n');
    const { dataset, skipped, notes } = parseCsv(csv, 'messy.csv');
    expect(Array.from(dataset.labels)).toEqual([1, 0, 2]);
    // Good rows keep their own pixels: nothing from the skipped rows leaks in.
    expect(Array.from(dataset.images)).toEqual([10, 11, 12, 13, 20, 21, 22, 23, 40, 41, 42, 43]);
    expect(skipped.map((item) => item.reason)).toEqual([
      'line 3: has 4 values, expected 5',
      'line 5: column 3 is not a number ("abc")',
      'line 7: column 3 is not a number ("")',
      'line 8: column 4 is 300, outside 0..255',
      'line 10: has 6 values, expected 5',
    ]);
    expect(skipped.every((item) => item.file === 'messy.csv')).toBe(true);
    expect(notes.join(' ')).toMatch(/Skipped 5 of 8 rows .*lines 3, 5, 7, 8, 10\)/);
  });

  it('lists only the first few bad rows one by one but counts all of them', () => {
    const good = '1,1,1,1,1';
    const lines = [good, ...Array.from({ length: 25 }, () => '1,x,1,1,1'), good];
    const { dataset, skipped, notes } = parseCsv(lines.join('\n'), 'many.csv');
    expect(dataset.labels.length).toBe(2);
    expect(skipped).toHaveLength(MAX_LISTED_BAD_ROWS);
    expect(notes.join(' ')).toMatch(/Skipped 25 of 27 rows .*, \.\.\.\)/);
  });

  it('uses the most common column count, so a bad first data row does not decide the layout', () => {
    const { dataset, skipped } = parseCsv('1,2,3\n1,2,3,4\n5,6,7,8\n9,10,11,12\n', 'first-bad.csv');
    expect(dataset.shape).toEqual([2, 2, 1]);
    expect(dataset.images.length).toBe(12);
    expect(skipped[0].reason).toMatch(/^line 1: has 3 values, expected 4/);
  });

  it('reads UTF-8 bytes with a byte-order mark, CRLF line ends and tab delimiters', () => {
    const bytes = strToU8('\uFEFFlabel\ta\tb\tc\td\r\n1\t1\t2\t3\t4\r\n');
    const { dataset } = parseCsv(bytes, 'tabs.tsv');
    expect(Array.from(dataset.images)).toEqual([1, 2, 3, 4]);
    expect(Array.from(dataset.labels)).toEqual([1]);
  });

  it('refuses a column count that is no square image, with or without a label', () => {
    expectDataFileError(() => parseCsv('1,2,3,4,5,6,7\n', 'odd.csv'), 'odd.csv', /7 values/, /square/);
  });

  it('takes a first row of column indices 0..n-1 as a header', () => {
    const header = Array.from({ length: 16 }, (_, index) => index).join(',');
    const row = Array.from({ length: 16 }, () => 200).join(',');
    const { dataset, skipped } = parseCsv(`${header}\n${row}\n`, 'indexed.csv');
    expect(skipped).toEqual([]);
    expect(dataset.shape).toEqual([4, 4, 1]);
    expect(Array.from(dataset.images)).toEqual(Array.from({ length: 16 }, () => 200));
  });

  it('refuses a file with no readable rows, giving the first problem', () => {
    expectDataFileError(() => parseCsv('label,a,b,c,d\n1,x,y,z,w\n', 'bad.csv'), 'bad.csv', /no readable rows/, /line 2/);
    expectDataFileError(() => parseCsv('\n\n', 'blank.csv'), 'blank.csv', /is empty/);
    expectDataFileError(() => parseCsv('label,a,b,c,d\n', 'head.csv'), 'head.csv', /header but no data rows/);
  });
});

// ---------- zip ----------

describe('zip of images', () => {
  const png = (marker: number) => new Uint8Array([...PNG_SIGNATURE, marker]);
  const archive = zipSync({
    'digits/0/a.png': png(1),
    'digits/1/b.PNG': png(2),
    'digits/1/c.jpeg': png(3),
    'root.webp': png(4),
    'digits/readme.txt': strToU8('hello'),
    'digits/': new Uint8Array(0),
    '__MACOSX/digits/0/._a.png': png(9),
    '__MACOSX/digits/1/b.png': png(7),
    'digits/.DS_Store': new Uint8Array([1, 2]),
    'digits/0/.hidden.png': png(8),
  });

  it('lists image entries with the innermost folder as label and their bytes', () => {
    const { images } = unzipImages(archive, 'digits.zip');
    expect(images.map((entry) => [entry.path, entry.label, entry.bytes[8]])).toEqual([
      ['digits/0/a.png', '0', 1],
      ['digits/1/b.PNG', '1', 2],
      ['digits/1/c.jpeg', '1', 3],
      ['root.webp', 'unlabelled', 4],
    ]);
  });

  it('counts non-image entries as skipped by name, and silently drops folders, hidden files and __MACOSX', () => {
    const { skipped } = unzipImages(archive, 'digits.zip');
    expect(skipped).toEqual([{ file: 'digits/readme.txt', reason: expect.stringMatching(/not an image/) }]);
  });

  it('refuses a corrupt or truncated archive with a DataFileError', () => {
    expectDataFileError(() => unzipImages(archive.subarray(0, archive.length - 30), 'cut.zip'), 'cut.zip', /not a readable zip/);
    expectDataFileError(() => unzipImages(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]), 'junk.zip'), 'junk.zip', /not a readable zip/);
  });

  it('refuses an archive without images, saying how many entries were skipped', () => {
    expectDataFileError(() => unzipImages(zipSync({ 'a.txt': strToU8('x'), 'b.csv': strToU8('1') }), 'docs.zip'), 'docs.zip', /no images/, /2 other entries/);
  });
});

// ---------- detect ----------

describe('file kind detection', () => {
  const kind = (name: string, bytes: Uint8Array) => detectFileKind(name, bytes);

  it('recognises IDX images and labels by magic number, whatever the name', () => {
    expect(kind('anything.dat', imagesIdx)).toBe('idx-images');
    expect(kind('anything.dat', labelsIdx)).toBe('idx-labels');
  });

  it('looks inside gzip to tell IDX images from labels', () => {
    expect(kind('a.gz', gzipSync(imagesIdx))).toBe('idx-images');
    expect(kind('b.gz', gzipSync(labelsIdx))).toBe('idx-labels');
  });

  it('falls back to the IDX file name when a gzip prefix cannot be read', () => {
    const prefixOnly = gzipSync(imagesIdx).subarray(0, 10);
    expect(kind('train-images-idx3-ubyte.gz', prefixOnly)).toBe('idx-images');
    expect(kind('train-labels-idx1-ubyte.gz', prefixOnly)).toBe('idx-labels');
    expect(kind('notes.gz', prefixOnly)).toBe('unknown');
  });

  it('recognises CIFAR batches by their .bin name, even when bytes resemble an IDX header', () => {
    expect(kind('data_batch_1.bin', cifarRecord(0, 0))).toBe('cifar');
    expect(kind('test_batch.bin', imagesIdx)).toBe('cifar');
  });

  it('recognises zip archives and images by signature, and CSV by name or delimited text', () => {
    expect(kind('upload', zipSync({ 'a.png': new Uint8Array([1]) }))).toBe('zip');
    expect(kind('pic.bin', new Uint8Array([...PNG_SIGNATURE, 0]))).toBe('image');
    expect(kind('x', new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image');
    expect(kind('icon.bmp', strToU8('BM....'))).toBe('image');
    expect(kind('table.csv', strToU8('1,2,3'))).toBe('csv');
    expect(kind('table.txt', strToU8('label,a\n1,2'))).toBe('csv');
    expect(kind('story.txt', strToU8('once upon a time'))).toBe('unknown');
    expect(kind('mystery', new Uint8Array([7, 7, 7, 7]))).toBe('unknown');
  });

  it('refuses files above MAX_FILE_BYTES, giving the limit, and accepts files at the limit', () => {
    expect(MAX_FILE_BYTES).toBe(300 * 1024 * 1024);
    expect(() => assertFileSizeAllowed('ok.bin', MAX_FILE_BYTES)).not.toThrow();
    expectDataFileError(() => assertFileSizeAllowed('big.csv', MAX_FILE_BYTES + 50 * 1024 * 1024), 'big.csv', /is 350 MB/, /larger than 300 MB/);
  });
});

// ---------- fitting decoded images ----------

describe('fitting RGBA images to the dataset shape', () => {
  it('turns colours into Rec. 601 luminance for one channel', () => {
    const colours: [number, number, number][] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [10, 20, 30]];
    for (const [r, g, b] of colours) {
      const gray = fitRgbaToShape(new Uint8ClampedArray([r, g, b, 255]), 1, 1, [1, 1, 1]);
      expect(gray[0]).toBe(Math.round(0.299 * r + 0.587 * g + 0.114 * b));
    }
  });

  it('treats transparent pixels as black', () => {
    expect(Array.from(fitRgbaToShape(new Uint8ClampedArray([255, 255, 255, 0]), 1, 1, [1, 1, 3]))).toEqual([0, 0, 0]);
    expect(fitRgbaToShape(new Uint8ClampedArray([200, 200, 200, 128]), 1, 1, [1, 1, 1])[0]).toBe(Math.round((200 * 128) / 255));
  });

  it('averages whole 2x2 blocks when halving a block pattern', () => {
    // 4x4 image of four 2x2 blocks with values 0, 40, 80, 120.
    const rgba = rgbaImage(4, 4, (x, y) => {
      const value = 40 * ((y >> 1) * 2 + (x >> 1));
      return [value, value, value, 255];
    });
    expect(Array.from(fitRgbaToShape(rgba, 4, 4, [2, 2, 1]))).toEqual([0, 40, 80, 120]);
  });

  it('averages fine stripes to mid-gray instead of picking one stripe', () => {
    const stripes = rgbaImage(4, 4, (x) => (x % 2 === 0 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    expect(Array.from(fitRgbaToShape(stripes, 4, 4, [2, 2, 1]))).toEqual([128, 128, 128, 128]);
  });

  it('splits a pixel by area across outputs when the ratio is fractional (3x3 to 2x2)', () => {
    // A bright centre pixel overlaps each output pixel by 0.5 x 0.5 of an output area of 1.5 x 1.5.
    const dot = rgbaImage(3, 3, (x, y) => (x === 1 && y === 1 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const expected = Math.round((255 * 0.25) / 2.25);
    expect(Array.from(fitRgbaToShape(dot, 3, 3, [2, 2, 1]))).toEqual([expected, expected, expected, expected]);
  });

  it('centre-crops a wide image to a square before resampling', () => {
    // 6x4: two red columns on each side fall outside the centred 4x4 crop; the crop holds a gradient.
    const wide = rgbaImage(6, 4, (x, y) => (x === 0 || x === 5 ? [255, 0, 0, 255] : [x * 10, y * 10, 0, 255]));
    const fitted = fitRgbaToShape(wide, 6, 4, [4, 4, 3]);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const at = (y * 4 + x) * 3;
        expect([fitted[at], fitted[at + 1], fitted[at + 2]]).toEqual([(x + 1) * 10, y * 10, 0]);
      }
    }
  });

  it('refuses RGBA data whose length does not match its size', () => {
    expect(() => fitRgbaToShape(new Uint8ClampedArray(10), 2, 2, [2, 2, 1])).toThrow(RangeError);
  });

  it('assembles a dataset with class names sorted naturally and labels pointing at them', () => {
    const pixel = (value: number) => new Uint8Array([value, value, value, value]);
    const dataset = assembleDataset(
      [
        { pixels: pixel(1), label: 'cat' },
        { pixels: pixel(2), label: '10' },
        { pixels: pixel(3), label: 'ant' },
        { pixels: pixel(4), label: '2' },
        { pixels: pixel(5), label: 'cat' },
      ],
      [2, 2, 1],
      'pets',
    );
    expect(dataset.classNames).toEqual(['2', '10', 'ant', 'cat']);
    expect(Array.from(dataset.labels).map((label) => dataset.classNames[label])).toEqual(['cat', '10', 'ant', '2', 'cat']);
    expect(Array.from(dataset.images.subarray(4, 8))).toEqual([2, 2, 2, 2]);
    expect(dataset.shape).toEqual([2, 2, 1]);
  });

  it('refuses to assemble no images, or images of the wrong size', () => {
    expectDataFileError(() => assembleDataset([], [2, 2, 1], 'empty.zip'), 'empty.zip', /no usable images/);
    expect(() => assembleDataset([{ pixels: new Uint8Array(3), label: 'a' }], [2, 2, 1], 'x')).toThrow(/expected 4/);
  });
});
