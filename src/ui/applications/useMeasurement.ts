// Runs a tab's measurement whenever the measure tick (or the tab's own inputs) change, and keeps the
// last result on screen while the next one is computed.
import { useEffect, useState } from 'react';
import { useApplications, type ApplicationsContextValue } from './applicationsContext';

export interface Measurement<T> {
  result: T | null;
  error: string | null;
  busy: boolean;
  /** Nothing measured yet: the model has not trained, and nobody pressed Measure. */
  waiting?: boolean;
}

/**
 * `compute` runs on mount and when the tick or `inputs` change; a newer run wins over an older one.
 * Not on mount while the model has taken no step: an untrained model's figures say nothing, and
 * measuring it started the analysis worker, copied the dataset there and fitted PCA as every page
 * opened, beside the first seconds of training. The first tick (an epoch's end, Pause, Measure)
 * measures.
 */
export function useMeasurement<T>(compute: (context: ApplicationsContextValue) => Promise<T>, inputs: readonly unknown[]): Measurement<T> {
  const context = useApplications();
  const skipped = context.tick === 0 && context.untrained;
  const [state, setState] = useState<Measurement<T>>({ result: null, error: null, busy: !skipped, waiting: skipped });
  useEffect(() => {
    if (skipped) return;
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
  if (measurement.waiting) return 'Train the model (or press Measure) to see these figures.';
  return evaluated !== undefined ? `Measured on ${evaluated.toLocaleString('en-US')} held-out images.` : '';
}
