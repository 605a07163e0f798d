// The points' colours for the current colouring mode: by label, by one code unit, by a generating
// factor, by reconstruction error, or muted under density contours. Recomputed only when an input changes.
import { classColors, pointColors } from '../../viz/colors';
import { codeColumn, mutedClassColors, robustScale, valueColors } from '../../viz/pointColouring';
import type { AppState } from '../../state/appState';

export interface PointColourer {
  /** One packed colour per point. */
  readonly colors: Uint32Array;
  /** Follows `state`; true when the colours changed. */
  update(state: AppState): boolean;
}

export function createPointColourer(): PointColourer {
  let colors: Uint32Array = new Uint32Array(0);
  let colouredFor: unknown[] = [];
  return {
    get colors() {
      return colors;
    },
    update(state) {
      const { dataset, colourBy, latents, map, reconstructionErrors } = state;
      if (!dataset || !map) return false;
      const palette = state.classroom.palette;
      const key = [dataset, colourBy, colourBy.mode === 'dimension' ? latents : null, colourBy.mode === 'error' ? reconstructionErrors : null, palette];
      if (key.every((part, i) => part === colouredFor[i])) return false;
      colouredFor = key;
      const classCount = dataset.classNames.length;
      if (colourBy.mode === 'dimension' && latents) {
        const values = codeColumn(latents.codes, latents.latentDim, Math.min(colourBy.dimension, latents.latentDim - 1));
        colors = valueColors(values, robustScale(values), colors);
      } else if (colourBy.mode === 'factor' && dataset.factors?.[colourBy.factor]) {
        const values = dataset.factors[colourBy.factor];
        colors = valueColors(values, robustScale(values), colors);
      } else if (colourBy.mode === 'error' && reconstructionErrors) {
        colors = valueColors(reconstructionErrors, robustScale(reconstructionErrors), colors);
      } else if (colourBy.mode === 'density') {
        colors = mutedClassColors(dataset.labels, classCount);
      } else {
        colors = pointColors(dataset.labels, classColors(classCount, palette).packed);
      }
      return true;
    },
  };
}
