// Messages between the page's SessionZipper and its worker (zipWorker.ts), and the worker's answer.
import type { SessionContents } from './sessionFormat';
import { writeSessionZip } from './sessionWrite';

export interface ZipRequest {
  id: number;
  contents: SessionContents;
  level: 0 | 1 | 6;
}

export type ZipReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

/** What the worker answers to one request: the file, or why it could not be written. */
export function answerZipRequest({ id, contents, level }: ZipRequest): ZipReply {
  try {
    return { id, bytes: writeSessionZip(contents, { level }) };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}
