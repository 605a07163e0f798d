// Runs a tab's measurement whenever the measure tick (or the tab's own inputs) change, and keeps the
// last result on screen while the next one is computed.
import { useEffect, useState } from 'react';
import { useApplications, type ApplicationsContextValue } from './applicationsContext';

export interface Measurement<T> {
  result: T | null;
  error: string | null;
  busy: boolean;
}

/** `compute` runs on mount and when the tick or `inputs` change; a newer run wins over an older one. */
export function useMeasurement<T>(compute: (context: ApplicationsContextValue) => Promise<T>, inputs: readonly unknown[]): Measurement<T> {
  const context = useApplications();
  const [state, setState] = useState<Measurement<T>>({ result: null, error: null, busy: true });
  useEffect(() => {
    let current = true;
    // Marked busy from a promise callback, not synchronously in the effect.
    void Promise.resolve().then(() => current && setState((previous) => ({ ...previous, busy: true })));
    compute(context).then(
      (result) => current && setState({ result, error: null, busy: false }),
      (error: unknown) => current && setState((previous) => ({ result: previous.result, error: error instanceof Error ? error.message : String(error), busy: false })),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reruns on the tick and the caller's inputs only
  }, [context.tick, context.second, ...inputs]);
  return state;
}

/** A line that says what is being measured or what went wrong. */
export function measurementNote(measurement: Measurement<unknown>, evaluated?: number): string {
  if (measurement.error) return measurement.error;
  if (measurement.busy) return 'Measuring…';
  return evaluated !== undefined ? `Measured on ${evaluated.toLocaleString('en-US')} held-out images.` : '';
}
