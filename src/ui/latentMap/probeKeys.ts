// The probe's keyboard: arrow keys move it a twentieth of the map's span, with Shift a quarter.
import type { ProbeState } from '../../state/appState';

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, 1],
  ArrowDown: [0, -1],
};

/**
 * Where `key` moves the probe, or null for a key that does not move it. `span` (the map's extent)
 * is asked for only when the key moves the probe: measuring it walks every point.
 */
export function probeAfterKey(key: string, shiftKey: boolean, probe: ProbeState, span: () => number): ProbeState | null {
  const direction = ARROWS[key];
  if (!direction) return null;
  const step = (shiftKey ? 0.25 : 0.05) * span();
  return { x: probe.x + direction[0] * step, y: probe.y + direction[1] * step, sourceIndex: probe.sourceIndex };
}
