// When the Applications panel measures again on its own: when training pauses or finishes, and at
// an epoch's end, but while training at most once per TRAINING_MEASURE_INTERVAL_MS. Epochs of the
// default model end about once a second on a 2-core machine, and each measurement (a model
// snapshot, a worker job, the tab's redraw) takes CPU from training and the page; the figures of a
// model that changes every second are not read more often than this anyway.

/** Least time between two measurements started by epoch ends while training. */
export const TRAINING_MEASURE_INTERVAL_MS = 5000;

export interface MeasureMoment {
  /** Training just paused or finished. */
  settled: boolean;
  /** An epoch just ended. */
  epochEnded: boolean;
  now: number;
  /** When the last measurement was asked for (-Infinity before the first). */
  lastMeasuredAt: number;
}

export function shouldMeasureAgain({ settled, epochEnded, now, lastMeasuredAt }: MeasureMoment): boolean {
  if (settled) return true;
  return epochEnded && now - lastMeasuredAt >= TRAINING_MEASURE_INTERVAL_MS;
}
