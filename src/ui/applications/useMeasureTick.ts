// The Applications panel's clock: a number that changes when its figures should be measured again.
import { useApplications } from './applicationsContext';

/** Changes on Pause, at each epoch end, and when `Measure` is pressed; tabs recompute when it changes. */
export function useMeasureTick(): number {
  return useApplications().tick;
}
