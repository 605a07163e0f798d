// A zip of image files, one folder per class, into a list of still-encoded images with labels.
// Decoding the images needs the browser; this module only unpacks and sorts out the entries.
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { DataFileError, type SkippedItem } from './errors';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] as const;
export const UNLABELLED_CLASS = 'unlabelled';
/** Total inflated size accepted from one archive; stops a small zip from expanding without bound. */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;
/** Zip compression methods fflate can inflate: stored and deflate. */
const READABLE_METHODS = new Set([0, 8]);

export interface ZipImageEntry {
  /** Path inside the archive, e.g. "train/cat/001.png". */
  path: string;
  /** Name of the folder the image sits in, or "unlabelled" at the archive root. */
  label: string;
  /** The encoded image file, as stored in the archive. */
  bytes: Uint8Array;
}

export interface UnzippedImages {
  /** Image entries in archive order. */
  images: ZipImageEntry[];
  /** Entries that are not images (or cannot be read), by path; folders and system files are not listed. */
  skipped: SkippedItem[];
}

/** Unpack the images from a zip archive. Throws DataFileError when the archive is unreadable or holds no images. */
export function unzipImages(bytes: Uint8Array, fileName: string): UnzippedImages {
  const skipped: SkippedItem[] = [];
  let plannedBytes = 0;
  let overLimit = false;
  // The filter sees every entry before it is inflated, so unwanted or oversized ones cost nothing.
  const wanted = (entry: UnzipFileInfo): boolean => {
    if (isIgnoredEntry(entry.name)) return false;
    if (!isImagePath(entry.name)) {
      skipped.push({ file: entry.name, reason: 'is not an image (png, jpg, jpeg, webp, gif or bmp)' });
      return false;
    }
    if (!READABLE_METHODS.has(entry.compression)) {
      skipped.push({ file: entry.name, reason: `uses zip compression method ${entry.compression}, which cannot be read here` });
      return false;
    }
    plannedBytes += entry.originalSize;
    if (plannedBytes > MAX_UNZIPPED_BYTES) {
      overLimit = true;
      return false;
    }
    return true;
  };

  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: wanted });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DataFileError(fileName, `is not a readable zip archive (${detail})`);
  }
  if (overLimit) {
    throw new DataFileError(fileName, `holds more than ${MAX_UNZIPPED_BYTES / (1024 * 1024)} MB of images once unpacked, the limit for one archive`);
  }

  const images = Object.entries(files).map(([path, content]) => ({ path, label: labelFromPath(path), bytes: content }));
  if (images.length === 0) {
    const others = skipped.length > 0 ? ` (${skipped.length} other entries were skipped)` : '';
    throw new DataFileError(fileName, `contains no images (png, jpg, jpeg, webp, gif or bmp)${others}`);
  }
  return { images, skipped };
}

/** Folders, macOS resource forks (__MACOSX/, ._name) and hidden files (.DS_Store, .git/...). */
function isIgnoredEntry(path: string): boolean {
  if (path.endsWith('/') || path.endsWith('\\')) return true;
  return pathSegments(path).some((segment) => segment === '__MACOSX' || segment.startsWith('.'));
}

function isImagePath(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return false;
  const extension = path.slice(dot + 1).toLowerCase();
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extension);
}

/** The innermost folder names the class: "train/cat/001.png" -> "cat". */
export function labelFromPath(path: string): string {
  const segments = pathSegments(path);
  return segments.length >= 2 ? segments[segments.length - 2] : UNLABELLED_CLASS;
}

/** Some Windows tools write backslashes in zip paths, though the format says forward slashes. */
function pathSegments(path: string): string[] {
  return path.split(/[\\/]/).filter((segment) => segment !== '');
}
