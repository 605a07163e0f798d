// Whether a finished measurement is worth moving a running training for, and the notice that says so.
import type { BackendName, BackendReport } from './protocol';

/** Move only for a clear win: self-test figures taken beside a running training are noisy. */
export const MOVE_MIN_SPEEDUP = 1.25;

export const BACKEND_WORDS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript',
};

export interface BackendMove {
  to: BackendName;
  /** For the notice, e.g. "Moved training to WebGL: 2.1x faster than WebAssembly on this model." */
  message: string;
}

/**
 * The backend to move to after a measurement, or null to stay on `current`: the fastest working
 * backend, if it beat `current` by MOVE_MIN_SPEEDUP (or `current` did not work in the self-test).
 */
export function chooseMove(reports: readonly BackendReport[], current: BackendName): BackendMove | null {
  const measured = reports.filter((report) => report.works && (report.imagesPerSecond ?? 0) > 0);
  const best = measured.reduce<BackendReport | null>((top, report) => (!top || (report.imagesPerSecond ?? 0) > (top.imagesPerSecond ?? 0) ? report : top), null);
  if (!best || best.name === current) return null;
  const here = measured.find((report) => report.name === current);
  const bestSpeed = best.imagesPerSecond ?? 0;
  if (!here) {
    // Broken in the self-test, or not timed (plain JavaScript when WebAssembly works): say which.
    const reason = reports.find((report) => report.name === current)?.problem;
    return {
      to: best.name,
      message: `Moved training to ${BACKEND_WORDS[best.name]}: the fastest measured on this model${reason ? ` (${BACKEND_WORDS[current]}: ${reason})` : ''}.`,
    };
  }
  const speedup = bestSpeed / (here.imagesPerSecond ?? 1);
  if (speedup < MOVE_MIN_SPEEDUP) return null;
  return {
    to: best.name,
    message: `Moved training to ${BACKEND_WORDS[best.name]}: ${speedup.toFixed(1)}x faster than ${BACKEND_WORDS[current]} on this model.`,
  };
}
