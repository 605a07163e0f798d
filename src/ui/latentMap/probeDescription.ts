// The probe's text for screen readers ("z₁ −3.2, z₂ 1.4, near 7s"), kept up to date on the
// probe handle's aria-valuetext as the probe moves.
import type { AppState } from '../../state/appState';

export const DEFAULT_AXIS_NAMES = ['z₁', 'z₂'] as const;

export interface ProbeDescriber {
  /** Call after each drawn frame; describes the probe again if it moved. */
  update(): void;
  dispose(): void;
}

export function createProbeDescriber(
  handle: HTMLElement,
  getState: () => AppState,
  nearestPoint: (x: number, y: number) => number,
): ProbeDescriber {
  let described: AppState['probe'] | null = null;
  let timer = 0;
  return {
    update() {
      if (getState().probe === described || timer !== 0) return;
      // Described in a task of its own: finding the nearest image may build the map's point index,
      // which would lengthen this frame on every map refresh.
      timer = window.setTimeout(() => {
        timer = 0;
        const state = getState();
        described = state.probe;
        handle.setAttribute('aria-valuetext', describeProbe(state, nearestPoint(state.probe.x, state.probe.y)));
      }, 0);
    },
    dispose() {
      window.clearTimeout(timer);
      timer = 0;
    },
  };
}

/** The probe for a screen reader: "z₁ −3.2, z₂ 1.4, near 7s" (axis names of the projection shown). */
export function describeProbe(state: AppState, nearest: number): string {
  const names = (state.map?.axisNames ?? DEFAULT_AXIS_NAMES).map((name) => name.replace(/\s*\(.*\)$/, ''));
  const format = (value: number) => (value < 0 ? `−${Math.abs(value).toFixed(1)}` : value.toFixed(1));
  const position = `${names[0]} ${format(state.probe.x)}, ${names[1]} ${format(state.probe.y)}`;
  const dataset = state.dataset;
  if (!dataset || nearest < 0 || nearest >= dataset.labels.length) return position;
  const name = dataset.classNames[dataset.labels[nearest]] ?? '';
  const plural = /^[\p{L}\d]+$/u.test(name) && !/s$/i.test(name) ? `${name}s` : name;
  return `${position}, near ${plural}`;
}
