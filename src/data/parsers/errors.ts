// The error every file parser throws, and the report a load hands back, so the UI can say which
// file was wrong and why, and still use whatever could be read.
import type { Dataset } from '../dataset';

/** A file that cannot be read as data. The message names the file so it can be shown as is. */
export class DataFileError extends Error {
  /** The file's name as the user chose it (no directories), or an entry path inside an archive. */
  readonly fileName: string;
  /** What is wrong, in words for the user, without the file name. */
  readonly reason: string;

  constructor(fileName: string, reason: string) {
    super(`${fileName}: ${reason}`);
    this.name = 'DataFileError';
    this.fileName = fileName;
    this.reason = reason;
  }
}

/** Something left out of a load: a whole file, an archive entry, or a row (then `file` says which). */
export interface SkippedItem {
  file: string;
  reason: string;
}

/** What a load produced: the dataset from the good parts, what was left out, and remarks. */
export interface LoadReport {
  dataset: Dataset;
  /** Parts that could not be used; only the first few rows of a file are listed one by one. */
  skipped: SkippedItem[];
  /** Remarks for the user, e.g. how many rows were skipped in all or how values were scaled. */
  notes: string[];
}
