// The map redraws for what it draws, not for the progress line, the decoder's weights or the losses.
import { describe, expect, it } from 'vitest';
import { initialState, type AppState } from '../../src/state/appState';
import { DEFAULT_RAW_SETTINGS } from '../../src/model/validate';
import { mapMayHaveChanged } from '../../src/ui/latentMap/mapInputs';

describe('which state changes redraw the map', () => {
  const before = initialState({ ...DEFAULT_RAW_SETTINGS });

  it('skips changes to the progress line, the losses and the decoder version alone', () => {
    const after: AppState = { ...before, progress: null, losses: [], decoderVersion: before.decoderVersion + 1, knnAccuracy: 0.5 };
    expect(mapMayHaveChanged(before, after)).toBe(false);
    expect(mapMayHaveChanged(before, before)).toBe(false);
  });

  it('redraws for a new map, a moved probe, a new colouring, or any key it does not know', () => {
    expect(mapMayHaveChanged(before, { ...before, probe: { ...before.probe, x: before.probe.x + 1 } })).toBe(true);
    expect(mapMayHaveChanged(before, { ...before, colourBy: { ...before.colourBy } })).toBe(true);
    expect(mapMayHaveChanged(before, { ...before, showEllipses: !before.showEllipses })).toBe(true);
    expect(mapMayHaveChanged(before, { ...before, progress: null, selection: new Int32Array(1) })).toBe(true);
    expect(mapMayHaveChanged(before, { ...before, newlyAdded: 1 } as unknown as AppState)).toBe(true);
  });
});
