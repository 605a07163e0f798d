// CSV (or TSV) with one image per row into a Dataset. Real exports are messy, so bad rows are
// skipped and reported rather than failing the whole file, and the layout (header, label column,
// image size, value range) is inferred from the data itself.
import type { Dataset, ImageShape } from '../dataset';
import { DataFileError, type LoadReport, type SkippedItem } from './errors';

export interface CsvOptions {
  /** Dataset name; defaults to the file name without its extension. */
  name?: string;
}

/** Header cells that mark the label column (compared lower-case, trimmed, unquoted). */
const LABEL_COLUMN_NAMES = new Set(['label', 'labels', 'class', 'classes']);
/** How many bad rows are listed one by one; the rest are only counted in the notes. */
export const MAX_LISTED_BAD_ROWS = 10;
const MAX_CLASSES = 256;
const CANDIDATE_DELIMITERS = [',', '\t', ';'] as const;

interface Layout {
  delimiter: string;
  /** Index into the file's lines of the first data line (after any header). */
  firstDataLine: number;
  columnCount: number;
  /** Column holding the label, or -1 when the rows are pixels only. */
  labelColumn: number;
  shape: ImageShape;
  notes: string[];
}

/** Read CSV text or bytes (UTF-8) into a dataset, skipping rows that cannot be read. */
export function parseCsv(input: Uint8Array | string, fileName: string, options: CsvOptions = {}): LoadReport {
  const text = (typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input)).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const layout = inferLayout(lines, fileName);
  const pixelCount = layout.shape[0] * layout.shape[1] * layout.shape[2];

  const candidateRows = lines.length - layout.firstDataLine;
  const images = new Uint8Array(candidateRows * pixelCount);
  const validLines: number[] = [];
  const labelTexts: string[] = [];
  const badRows: { line: number; reason: string }[] = [];
  let maxValue = 0;

  for (let lineIndex = layout.firstDataLine; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex];
    if (line.trim() === '') continue;
    const cells = splitCells(line, layout.delimiter);
    const rowResult = readRow(cells, layout, images, validLines.length * pixelCount, 1);
    if (typeof rowResult === 'string') {
      badRows.push({ line: lineIndex + 1, reason: rowResult });
      continue;
    }
    if (rowResult.max > maxValue) maxValue = rowResult.max;
    validLines.push(lineIndex);
    labelTexts.push(layout.labelColumn >= 0 ? cleanCell(cells[layout.labelColumn]) : '');
  }

  if (validLines.length === 0) {
    const first = badRows[0];
    throw new DataFileError(fileName, first === undefined ? 'has no data rows' : `has no readable rows (line ${first.line}: ${first.reason})`);
  }

  const notes = [...layout.notes];
  // Values that never exceed 1 are taken as 0..1 intensities. Rows were stored as if 0..255 on
  // the first pass (the common case pays for one pass only); this rare case reads them again.
  if (maxValue <= 1) {
    validLines.forEach((lineIndex, row) => {
      readRow(splitCells(lines[lineIndex], layout.delimiter), layout, images, row * pixelCount, 255);
    });
    notes.push('Pixel values lie between 0 and 1; they were scaled to 0..255.');
  }

  const { labels, classNames } = layout.labelColumn >= 0 ? encodeLabels(labelTexts, fileName) : unlabelled(validLines.length);
  const skipped: SkippedItem[] = badRows.slice(0, MAX_LISTED_BAD_ROWS).map((bad) => ({ file: fileName, reason: `line ${bad.line}: ${bad.reason}` }));
  if (badRows.length > 0) {
    const shown = badRows.slice(0, MAX_LISTED_BAD_ROWS).map((bad) => bad.line).join(', ');
    const more = badRows.length > MAX_LISTED_BAD_ROWS ? ', ...' : '';
    notes.push(`Skipped ${badRows.length} of ${badRows.length + validLines.length} rows that could not be read (lines ${shown}${more}).`);
  }

  const dataset: Dataset = {
    name: options.name ?? fileName.replace(/\.(csv|tsv|txt)$/i, ''),
    images: images.slice(0, validLines.length * pixelCount),
    labels,
    shape: layout.shape,
    classNames,
  };
  return { dataset, skipped, notes };
}

/**
 * Parse one row's pixels into `out` at `offset`, multiplied by `scale`. Returns the largest raw
 * value, or a reason string when the row is unusable (nothing useful is left in `out` then).
 */
function readRow(cells: string[], layout: Layout, out: Uint8Array, offset: number, scale: number): { max: number } | string {
  if (cells.length !== layout.columnCount) return `has ${cells.length} values, expected ${layout.columnCount}`;
  let max = 0;
  let pixel = offset;
  for (let column = 0; column < cells.length; column++) {
    if (column === layout.labelColumn) {
      if (cleanCell(cells[column]) === '') return 'has an empty label';
      continue;
    }
    const value = parseNumber(cells[column]);
    if (value === undefined) return `column ${column + 1} is not a number ("${truncate(cells[column].trim())}")`;
    if (value < 0 || value > 255) return `column ${column + 1} is ${value}, outside 0..255`;
    if (value > max) max = value;
    out[pixel++] = Math.min(255, Math.round(value * scale));
  }
  return { max };
}

function inferLayout(lines: string[], fileName: string): Layout {
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  if (firstIndex < 0) throw new DataFileError(fileName, 'is empty');
  const delimiter = pickDelimiter(lines[firstIndex]);
  const firstCells = splitCells(lines[firstIndex], delimiter).map(cleanCell);
  const hasHeader = looksLikeHeader(firstCells);
  const firstDataLine = hasHeader ? firstIndex + 1 : firstIndex;

  const columnCount = modalColumnCount(lines, firstDataLine, delimiter);
  if (columnCount === 0) throw new DataFileError(fileName, 'has a header but no data rows');
  const notes: string[] = [];

  let labelColumn = -1;
  if (hasHeader) {
    labelColumn = firstCells.findIndex((cell) => LABEL_COLUMN_NAMES.has(cell.toLowerCase()));
    if (firstCells.length !== columnCount) {
      notes.push(`The header has ${firstCells.length} columns but most rows have ${columnCount}; rows were read by their own count.`);
      if (labelColumn >= columnCount) labelColumn = -1;
    }
  }
  let shape: ImageShape | undefined;
  if (labelColumn >= 0) {
    shape = squareShape(columnCount - 1);
    if (shape === undefined) {
      throw new DataFileError(fileName, `rows have ${columnCount - 1} pixel values besides the label, which is not a square image (s*s or s*s*3 values)`);
    }
  } else {
    // Pixels only wins when both readings fit (e.g. 49 = 7x7 or 1 + 4x4x3): a label column is the
    // rarer surprise to impose on someone's data.
    shape = squareShape(columnCount);
    if (shape === undefined) {
      shape = squareShape(columnCount - 1);
      if (shape !== undefined) labelColumn = 0;
    }
    if (shape === undefined) {
      throw new DataFileError(
        fileName,
        `rows have ${columnCount} values, which is neither a square image (s*s or s*s*3 values) nor a label followed by one`,
      );
    }
  }
  notes.unshift(
    `Read as ${shape[0]}x${shape[1]} ${shape[2] === 3 ? 'RGB (channels interleaved per pixel)' : 'grayscale'} images, ` +
      `${labelColumn >= 0 ? `labels in column ${labelColumn + 1}` : 'no label column'}, ${hasHeader ? 'with' : 'without'} a header.`,
  );
  return { delimiter, firstDataLine, columnCount, labelColumn, shape, notes };
}

/** s*s grayscale or s*s*3 RGB; the two never coincide because sqrt(3) is irrational. */
function squareShape(pixelCount: number): ImageShape | undefined {
  if (pixelCount <= 0) return undefined;
  const graySide = Math.round(Math.sqrt(pixelCount));
  if (graySide * graySide === pixelCount) return [graySide, graySide, 1];
  if (pixelCount % 3 === 0) {
    const rgbSide = Math.round(Math.sqrt(pixelCount / 3));
    if (rgbSide * rgbSide * 3 === pixelCount) return [rgbSide, rgbSide, 3];
  }
  return undefined;
}

/**
 * A first line is a header when it names columns: two or more words, one word that names the
 * label column, or (for 16+ columns) the column indices 0..n-1 / 1..n that some exporters write.
 */
function looksLikeHeader(cells: string[]): boolean {
  const words = cells.filter((cell) => cell !== '' && parseNumber(cell) === undefined);
  if (words.length >= 2) return true;
  if (words.length === 1) return LABEL_COLUMN_NAMES.has(words[0].toLowerCase());
  // Tiny rows of 1, 2, 3... are more likely data than column names.
  if (cells.length < 16) return false;
  const start = parseNumber(cells[0]);
  if (start !== 0 && start !== 1) return false;
  return cells.every((cell, index) => parseNumber(cell) === start + index);
}

/** The most common number of cells among the data lines, so one bad first row cannot mislead. */
function modalColumnCount(lines: string[], firstDataLine: number, delimiter: string): number {
  const counts = new Map<number, number>();
  for (let index = firstDataLine; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === '') continue;
    const cellCount = line.includes('"') ? splitCells(line, delimiter).length : countChar(line, delimiter) + 1;
    counts.set(cellCount, (counts.get(cellCount) ?? 0) + 1);
  }
  let best = 0;
  let bestSeen = 0;
  for (const [cellCount, seen] of counts) {
    if (seen > bestSeen || (seen === bestSeen && cellCount > best)) {
      best = cellCount;
      bestSeen = seen;
    }
  }
  return best;
}

function encodeLabels(texts: string[], fileName: string): { labels: Uint8Array; classNames: string[] } {
  const labels = new Uint8Array(texts.length);
  const numbers = texts.map(parseNumber);
  const allSmallIntegers = numbers.every((value) => value !== undefined && Number.isInteger(value) && value >= 0 && value < MAX_CLASSES);
  if (allSmallIntegers) {
    let maxLabel = 0;
    numbers.forEach((value, row) => {
      labels[row] = value as number;
      if ((value as number) > maxLabel) maxLabel = value as number;
    });
    return { labels, classNames: Array.from({ length: maxLabel + 1 }, (_, index) => String(index)) };
  }
  const classIndex = new Map<string, number>();
  texts.forEach((text, row) => {
    let index = classIndex.get(text);
    if (index === undefined) {
      index = classIndex.size;
      if (index >= MAX_CLASSES) throw new DataFileError(fileName, `has more than ${MAX_CLASSES} different labels`);
      classIndex.set(text, index);
    }
    labels[row] = index;
  });
  return { labels, classNames: [...classIndex.keys()] };
}

function unlabelled(count: number): { labels: Uint8Array; classNames: string[] } {
  return { labels: new Uint8Array(count), classNames: ['unlabelled'] };
}

function pickDelimiter(line: string): string {
  let best: string = CANDIDATE_DELIMITERS[0];
  let bestCount = 0;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const count = countChar(line, delimiter);
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** Split one line; quotes are honoured only when present, to keep the common case a plain split. */
function splitCells(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        current += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        current += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === delimiter) {
      cells.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  cells.push(current);
  return cells;
}

function cleanCell(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
}

/** A finite number, or undefined; unlike Number(), a blank cell is not zero. */
function parseNumber(cell: string): number | undefined {
  if (cell.trim() === '') return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let index = text.indexOf(char); index >= 0; index = text.indexOf(char, index + 1)) count++;
  return count;
}

function truncate(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}...` : text;
}
