// Which changes of the app state can change what the map draws. The map redraws its 10,000 to
// 70,000 points on the frame after a change; while training, the progress line (every 150 ms),
// the decoder's weights (every 400 ms) and each epoch's losses change the state several times a
// second without touching the map, and redrawing for each took a tenth of a core from training
// on two cores. Every other key counts as a change, so a new piece of state that the map draws
// redraws it without anyone remembering to list it here.
import type { AppState } from '../../state/appState';

/** Keys the map never reads: a change to these alone needs no redraw. */
const NOT_DRAWN: ReadonlySet<keyof AppState> = new Set<keyof AppState>([
  'progress',
  'losses',
  'decoderVersion',
  'reconstructions',
  'codeActivations',
  'knnAccuracy',
  'fieldErrors',
  'rawSettings',
]);

/** Whether going from `before` to `after` may change the map's picture. */
export function mapMayHaveChanged(before: AppState, after: AppState): boolean {
  if (before === after) return false;
  for (const key of Object.keys(after) as (keyof AppState)[]) {
    if (before[key] !== after[key] && !NOT_DRAWN.has(key)) return true;
  }
  // A key that went away counts as a change too.
  return Object.keys(before).length !== Object.keys(after).length;
}
