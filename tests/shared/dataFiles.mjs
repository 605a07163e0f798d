// Data files the browser suites hand to the app's "Load data files" input, made in Node: written
// once for the Chromium and the Firefox suites. Each is { name, mimeType, buffer }.
import { gzipSync } from 'node:zlib';

/** A 28x28 picture of class `label` (a bar, a band or a square) nudged by `index`, so classes differ. */
export function classPicture(label, index, side = 28) {
  const pixels = new Uint8Array(side * side);
  const shift = (index % 7) - 3;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const cx = x - side / 2 - shift;
      const cy = y - side / 2 + shift;
      const inside = label === 0 ? Math.abs(cx) < 3 && Math.abs(cy) < 10
        : label === 1 ? Math.abs(cy) < 3 && Math.abs(cx) < 10
          : Math.abs(cx) < 7 && Math.abs(cy) < 7;
      pixels[y * side + x] = inside ? 200 + ((x + y + index) % 55) : 0;
    }
  }
  return pixels;
}

export function idxFile(magic, dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((dim, i) => header.writeUInt32BE(dim, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** 300 images of 3 classes as an IDX pair; the images file gzip'd, as MNIST is distributed. */
export function idxPair() {
  const count = 300;
  const images = new Uint8Array(count * 28 * 28);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    images.set(classPicture(labels[i], i), i * 28 * 28);
  }
  return [
    { name: 'strokes-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: gzipSync(idxFile(0x803, [count, 28, 28], images)) },
    { name: 'strokes-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: idxFile(0x801, [count], labels) },
  ];
}

/** An IDX images file whose magic number is wrong. */
export function corruptIdx() {
  const file = idxFile(0x12345678, [10, 28, 28], new Uint8Array(10 * 28 * 28));
  return { name: 'corrupt-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: file };
}
