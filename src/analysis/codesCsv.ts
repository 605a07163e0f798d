// The latent codes as a CSV file a class can open in a spreadsheet or load into another model:
// one row per image with its index, label, split, code values and position on the map.

export interface CodesCsvInput {
  /** Row i = code of dataset image i, `latentDim` values each. */
  codes: Float32Array;
  latentDim: number;
  labels: Uint8Array;
  classNames: readonly string[];
  /** Dataset indices of the held-out images; every other image is a training image. */
  heldOut: Int32Array;
  /** Map positions (x, y interleaved) in dataset order, or null when there is no map yet. */
  mapPoints: Float32Array | null;
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Shortest text that reads back as the same float32. */
function floatText(value: number): string {
  if (!Number.isFinite(value)) return '';
  for (let digits = 6; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === Math.fround(value)) return text;
  }
  return String(value);
}

/**
 * Header `index,label,label_name,split,z1..zN,map_x,map_y`, then one line per image; lines end in
 * CRLF as RFC 4180 asks. `label` is the class number, `label_name` its name, `split` is `train`
 * or `held-out`; map columns are empty when there is no map.
 */
export function codesCsv(input: CodesCsvInput): string {
  const { codes, latentDim, labels, classNames, heldOut, mapPoints } = input;
  const count = labels.length;
  if (codes.length !== count * latentDim) {
    throw new RangeError(`Expected ${count} codes of ${latentDim} values, got ${codes.length} values.`);
  }
  const isHeldOut = new Uint8Array(count);
  for (const index of heldOut) isHeldOut[index] = 1;
  const codeNames = Array.from({ length: latentDim }, (_, i) => `z${i + 1}`);
  const lines = [['index', 'label', 'label_name', 'split', ...codeNames, 'map_x', 'map_y'].join(',')];
  for (let i = 0; i < count; i++) {
    const fields = [String(i), String(labels[i]), csvField(classNames[labels[i]] ?? ''), isHeldOut[i] ? 'held-out' : 'train'];
    for (let j = 0; j < latentDim; j++) fields.push(floatText(codes[i * latentDim + j]));
    const hasMap = mapPoints !== null && mapPoints.length >= 2 * count;
    fields.push(hasMap ? floatText(mapPoints[2 * i]) : '', hasMap ? floatText(mapPoints[2 * i + 1]) : '');
    lines.push(fields.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
