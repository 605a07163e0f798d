// End-to-end: loading the user's own data. Fixture files are made here in Node (IDX, a zip of PNGs
// in class folders, CSV, broken files), picked through the "Load data files" input, and trained
// on; a bad file must say which file and what is wrong, and leave the current model as it was.
import { test } from './fixtures.mjs';
import { deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { assert, globalStep, openApp as openAppAt, pauseAndSettle, waitForMap } from './appHelpers.mjs';
import { classPicture } from '../shared/dataFiles.mjs';
import { brokenIdxKeepsEverything, userIdxPairTrains } from '../shared/paths.mjs';
import { playwrightUi } from './playwrightUi.mjs';

// ---- fixtures ------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A minimal 8-bit RGB PNG: one IDAT, every row with filter type 0. */
function encodePng(width, height, rgbAt) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set(rgbAt(x, y), y * (1 + width * 3) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** 40 red discs in circles/, 40 blue squares in squares/, plus one broken PNG and a text file. */
function imageZip() {
  const entries = {};
  for (let i = 0; i < 40; i++) {
    const radius = 5 + (i % 5);
    entries[`shapes/circles/c${i}.png`] = encodePng(24, 24, (x, y) => ((x - 12) ** 2 + (y - 12) ** 2 < radius ** 2 ? [230, 40, 40] : [0, 0, 0]));
    entries[`shapes/squares/s${i}.png`] = encodePng(24, 24, (x, y) => (Math.abs(x - 12) < radius && Math.abs(y - 12) < radius ? [40, 60, 230] : [0, 0, 0]));
  }
  entries['shapes/squares/broken.png'] = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
  entries['shapes/readme.txt'] = Buffer.from('two classes of shapes\n');
  return { name: 'shapes-two-folders.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(entries)) };
}

/** 120 rows "label,pixel0..pixel783" with text labels. */
function csvFile() {
  const lines = [['label', ...Array.from({ length: 784 }, (_, i) => `pixel${i}`)].join(',')];
  for (let i = 0; i < 120; i++) {
    const label = i % 2 === 0 ? 'bar' : 'band';
    lines.push([label, ...classPicture(i % 2, i)].join(','));
  }
  return { name: 'bars-and-bands.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) };
}

/** Two CIFAR-10 records: valid on their own, but not with a CSV. */
function cifarBatch() {
  return { name: 'data_batch_1.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2 * 3073, 1) };
}

// ---- page helpers --------------------------------------------------------------------------

function openApp(ctx, hash = '#backend=wasm') {
  return openAppAt(ctx, hash);
}

function trainEnabled(page) {
  return page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled'));
}

async function loadFiles(page, files) {
  await page.getByLabel('Load data files').setInputFiles(files);
}

async function resultLine(page, pattern) {
  const result = page.locator('.data-result').filter({ hasText: pattern });
  await result.waitFor({ timeout: 60_000 });
  return result.innerText();
}

async function legendNames(page) {
  return page.getByRole('list', { name: 'Classes' }).getByRole('listitem').allInnerTexts();
}

/** Train until the first epoch's loss is reported and the map shows the trained codes. */
async function trainOneEpoch(page) {
  await trainEnabled(page).waitFor();
  await page.getByRole('button', { name: 'Train' }).click();
  // Any epoch: a tiny set can finish epoch 1 and 2 between two looks.
  await page.locator('.loss-figures', { hasText: /^Epoch \d+:/ }).waitFor({ timeout: 120_000 });
  await waitForMap(page);
}

function sameNames(actual, expected) {
  return actual.map((name) => name.trim()).join('|') === expected.join('|');
}

// ---- tests ---------------------------------------------------------------------------------

test('an IDX image + label pair (images gzip\'d) loads as 300 images in 3 classes and trains', async ({ ctx }) => {
  const page = await openApp(ctx);
  // The path the Firefox suite runs too (tests/shared/paths.mjs).
  await userIdxPairTrains(playwrightUi(page));
  await waitForMap(page);
  const legend = await legendNames(page);
  assert(sameNames(legend, ['0', '1', '2']), `legend reads ${JSON.stringify(legend)}, expected the labels 0, 1, 2`);
});

test('a zip of PNGs in two class folders loads with folder names as classes, reporting what it skipped', async ({ ctx }) => {
  const page = await openApp(ctx);
  await page.getByLabel('Image size').selectOption('32');
  await page.getByLabel('Colour', { exact: true }).selectOption('3');
  await loadFiles(page, [imageZip()]);
  const line = await resultLine(page, /Loaded 80 images in 2 classes/);
  assert(line.includes('32×32 RGB'), `result line "${line}" does not give the chosen 32x32 RGB size`);
  assert(/2 skipped/.test(line), `result line "${line}" does not count the 2 skipped entries`);
  assert(line.includes('broken.png is a damaged PNG'), `result line "${line}" does not name the broken PNG`);
  assert(line.includes('readme.txt is not an image'), `result line "${line}" does not name the text file`);
  await page.locator('.dataset-line', { hasText: /^shapes-two-folders · 80 images/ }).waitFor();
  assert((await page.getByLabel('Dataset', { exact: true }).inputValue()) === 'files', 'the Dataset choice does not show the loaded files');
  await trainOneEpoch(page);
  const legend = await legendNames(page);
  assert(sameNames(legend, ['circles', 'squares']), `legend reads ${JSON.stringify(legend)}, expected circles, squares`);
});

test('a CSV with a text label column loads its rows and class names, and trains', async ({ ctx }) => {
  const page = await openApp(ctx);
  await loadFiles(page, [csvFile()]);
  await resultLine(page, /Loaded 120 images in 2 classes/);
  await page.locator('.dataset-line', { hasText: /^bars-and-bands · 120 images/ }).waitFor();
  await trainOneEpoch(page);
  const legend = await legendNames(page);
  assert(sameNames(legend, ['bar', 'band']), `legend reads ${JSON.stringify(legend)}, expected bar, band`);
});

test('a corrupt IDX file or a mix of kinds is refused by name, and the trained model and its progress are kept', async ({ ctx }) => {
  const page = await openApp(ctx);
  await trainOneEpoch(page);
  await pauseAndSettle(page);
  const stepBefore = await globalStep(page);
  // The path the Firefox suite runs too (tests/shared/paths.mjs), then what only this suite checks.
  await brokenIdxKeepsEverything(playwrightUi(page));
  assert(/^MNIST digits/.test(await page.locator('.dataset-line').innerText()), 'the dataset line no longer names the digits');
  assert((await page.getByLabel('Dataset', { exact: true }).inputValue()) === 'mnist', 'the Dataset choice moved away from the digits');

  const inline = page.locator('.data-panel').getByRole('alert');
  await loadFiles(page, [csvFile(), cifarBatch()]);
  await inline.filter({ hasText: /cannot be combined.*bars-and-bands\.csv.*data_batch_1\.bin|cannot be combined.*data_batch_1\.bin.*bars-and-bands\.csv/ }).waitFor();
  assert((await globalStep(page)) === stepBefore, 'the refused mix changed the training progress');

  await page.getByRole('button', { name: 'Resume' }).click();
  await page.waitForFunction((at) => {
    const match = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/.exec(document.querySelector('.progress-head')?.textContent ?? '');
    return match && (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) > at + 2;
  }, stepBefore, { timeout: 60_000 });
});

test('the generated Shapes set can be picked and the built-in digits picked back', async ({ ctx }) => {
  const page = await openApp(ctx);
  await page.getByLabel('Dataset', { exact: true }).selectOption('shapes');
  await page.locator('.dataset-line', { hasText: /^Shapes · 10,000 images/ }).waitFor();
  await trainEnabled(page).waitFor();
  const legend = await legendNames(page);
  assert(sameNames(legend, ['circle', 'square', 'triangle', 'star', 'cross']), `legend reads ${JSON.stringify(legend)}`);

  // The map can be coloured by each generating factor, on a value ramp.
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, { timeout: 120_000 });
  await page.getByLabel('Colour by').selectOption('factor');
  const factors = await page.getByLabel('Factor', { exact: true }).locator('option').allInnerTexts();
  assert(sameNames(factors, ['x', 'y', 'scale', 'rotation']), `factor choices read ${JSON.stringify(factors)}`);
  await page.getByLabel('Factor', { exact: true }).selectOption('scale');
  await page.getByRole('img', { name: /Generating factor, from/ }).waitFor();
  await page.getByLabel('Colour by').selectOption('label');

  await page.getByLabel('Dataset', { exact: true }).selectOption('mnist');
  await page.locator('.dataset-line', { hasText: /^MNIST digits · / }).waitFor();
});
