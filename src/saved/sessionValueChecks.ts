// The small checks a session file's values pass before they are used: each returns the value or
// throws a SessionFileError in the user's words.
import { SessionFileError } from './sessionFormat';

/** The longest text (a name, a setting) a session file may hold. */
export const MAX_TEXT = 500;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) throw new SessionFileError(`The session file has no valid ${what}.`);
  return value;
}

export function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SessionFileError(`The session file has no valid ${what}.`);
  return value;
}

export function wholeNumber(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SessionFileError(`The session file has no valid ${what} (a whole number from ${min} to ${max} is needed).`);
  }
  return value;
}
