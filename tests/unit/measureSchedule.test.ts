import { describe, expect, it } from 'vitest';
import { TRAINING_MEASURE_INTERVAL_MS, shouldMeasureAgain } from '../../src/ui/applications/measureSchedule';

describe('shouldMeasureAgain', () => {
  it('measures whenever training pauses or finishes', () => {
    expect(shouldMeasureAgain({ settled: true, epochEnded: false, now: 10, lastMeasuredAt: 9 })).toBe(true);
    expect(shouldMeasureAgain({ settled: true, epochEnded: true, now: 10, lastMeasuredAt: 10 })).toBe(true);
  });

  it('measures at an epoch end only when the last measurement is old enough', () => {
    const last = 1000;
    expect(shouldMeasureAgain({ settled: false, epochEnded: true, now: last + TRAINING_MEASURE_INTERVAL_MS - 1, lastMeasuredAt: last })).toBe(false);
    expect(shouldMeasureAgain({ settled: false, epochEnded: true, now: last + TRAINING_MEASURE_INTERVAL_MS, lastMeasuredAt: last })).toBe(true);
    expect(shouldMeasureAgain({ settled: false, epochEnded: true, now: 0, lastMeasuredAt: -Infinity })).toBe(true);
  });

  it('does not measure when nothing happened', () => {
    expect(shouldMeasureAgain({ settled: false, epochEnded: false, now: 1e9, lastMeasuredAt: 0 })).toBe(false);
  });
});
