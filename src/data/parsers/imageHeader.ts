// The size an image file declares in its header (PNG, JPEG, GIF, WebP, BMP), read before the
// browser decodes it: a 100-byte file can declare 60,000 x 60,000 pixels, and decoding that would
// take gigabytes. Files whose header is damaged or declares too many pixels are refused here.
import { DataFileError } from './errors';

/** Largest image decoded: 40 megapixels, more than any camera photo a class is likely to use. */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Width and height from the header, or null when the format is not one of those read here (the
 * browser's decoder then has the last word). Throws DataFileError for a header that is cut short.
 */
export function readImageSize(bytes: Uint8Array, fileName: string): ImageSize | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (length: number, format: string) => {
    if (bytes.length < length) throw new DataFileError(fileName, `is cut short: its ${format} header needs ${length} bytes, the file has ${bytes.length}`);
  };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    need(24, 'PNG');
    if (!startsWith(bytes.subarray(12), [0x49, 0x48, 0x44, 0x52])) throw new DataFileError(fileName, 'is a damaged PNG: its first chunk is not IHDR');
    return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
  }
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) {
    need(10, 'GIF');
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (startsWith(bytes, [0x42, 0x4d])) {
    need(26, 'BMP');
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes.subarray(8), [0x57, 0x45, 0x42, 0x50])) return webpSize(bytes, view, fileName, need);
  if (startsWith(bytes, [0xff, 0xd8])) return jpegSize(bytes, view, fileName);
  return null;
}

/** Refuse an image whose header declares no pixels or more than MAX_IMAGE_PIXELS, before it is decoded. */
export function assertImageSizeAllowed(bytes: Uint8Array, fileName: string, maxPixels = MAX_IMAGE_PIXELS): void {
  const size = readImageSize(bytes, fileName);
  if (!size) return;
  if (size.width === 0 || size.height === 0) throw new DataFileError(fileName, `declares an empty image (${size.width} x ${size.height} pixels)`);
  if (size.width * size.height > maxPixels) {
    throw new DataFileError(
      fileName,
      `declares ${size.width.toLocaleString('en-US')} x ${size.height.toLocaleString('en-US')} pixels; images larger than ${maxPixels / 1_000_000} megapixels are not decoded`,
    );
  }
}

function webpSize(bytes: Uint8Array, view: DataView, fileName: string, need: (length: number, format: string) => void): ImageSize {
  need(30, 'WebP');
  const chunk = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (chunk === 'VP8X') return { width: 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16)), height: 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16)) };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  throw new DataFileError(fileName, `is a damaged WebP: unknown chunk "${chunk.replace(/[^\x20-\x7e]/g, '?')}"`);
}

/** Walk the JPEG markers to the first start-of-frame; at most the whole file, one pass. */
function jpegSize(bytes: Uint8Array, view: DataView, fileName: string): ImageSize {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw new DataFileError(fileName, `is a damaged JPEG: no marker at byte ${offset}`);
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or scan data before any frame
    const length = view.getUint16(offset + 2, false);
    if (length < 2) throw new DataFileError(fileName, `is a damaged JPEG: segment length ${length} at byte ${offset}`);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (offset + 9 > bytes.length) break;
      return { width: view.getUint16(offset + 7, false), height: view.getUint16(offset + 5, false) };
    }
    offset += 2 + length;
  }
  throw new DataFileError(fileName, 'is a damaged JPEG: no frame header with its size');
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  if (bytes.length < signature.length) return false;
  return signature.every((value, i) => bytes[i] === value);
}
