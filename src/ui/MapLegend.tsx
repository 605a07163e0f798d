// Under the map: how the points are coloured (with its legend) and the held-out kNN accuracy,
// the map's quality in one number.
import { useMemo } from 'react';
import { classColors } from '../viz/colors';
import { codeColumn, rampCss, robustScale, type ColourMode } from '../viz/pointColouring';
import { useAppState, useController } from './controllerContext';
import { formatPercent } from './format';

const MODE_LABELS: Record<ColourMode, string> = {
  label: 'Label',
  error: 'Reconstruction error',
  dimension: 'Latent dimension',
  factor: 'Generating factor',
  density: 'Density contours',
};

function ValueLegend({ min, max, title }: { min: number; max: number; title: string }) {
  const stops = Array.from({ length: 9 }, (_, i) => rampCss(i / 8)).join(', ');
  return (
    <div className="value-legend" role="img" aria-label={`${title}, from ${min.toPrecision(3)} to ${max.toPrecision(3)}`}>
      <span>{min.toPrecision(3)}</span>
      <span className="ramp" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <span>{max.toPrecision(3)}</span>
    </div>
  );
}

export function MapLegend() {
  const controller = useController();
  const dataset = useAppState((state) => state.dataset);
  const knnAccuracy = useAppState((state) => state.knnAccuracy);
  const colourBy = useAppState((state) => state.colourBy);
  const latents = useAppState((state) => state.latents);
  const errors = useAppState((state) => state.reconstructionErrors);
  const latentDim = latents?.latentDim ?? 2;
  const scheme = useAppState((state) => state.classroom.palette);
  const palette = useMemo(() => classColors(dataset?.classNames.length ?? 0, scheme), [dataset, scheme]);
  const valueScale = useMemo(() => {
    if (colourBy.mode === 'dimension' && latents) {
      return robustScale(codeColumn(latents.codes, latents.latentDim, Math.min(colourBy.dimension, latents.latentDim - 1)));
    }
    if (colourBy.mode === 'error' && errors) return robustScale(errors);
    const factor = dataset?.factors?.[colourBy.factor];
    if (colourBy.mode === 'factor' && factor) return robustScale(factor);
    return null;
  }, [colourBy, latents, errors, dataset]);
  const factorNames = Object.keys(dataset?.factors ?? {});

  return (
    <div className="map-footer">
      <div className="colour-by">
        <label>
          <span>Colour by</span>
          <select
            aria-label="Colour by"
            value={colourBy.mode}
            onChange={(e) => controller.colourBy(e.target.value as ColourMode, colourBy.dimension, colourBy.factor || factorNames[0] || '')}
          >
            {(Object.keys(MODE_LABELS) as ColourMode[]).filter((mode) => mode !== 'factor' || factorNames.length > 0).map((mode) => (
              <option key={mode} value={mode}>
                {MODE_LABELS[mode]}
              </option>
            ))}
          </select>
        </label>
        {colourBy.mode === 'factor' ? (
          <select aria-label="Factor" value={colourBy.factor} onChange={(e) => controller.colourBy('factor', colourBy.dimension, e.target.value)}>
            {factorNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        ) : null}
        {colourBy.mode === 'dimension' ? (
          <select aria-label="Dimension" value={colourBy.dimension} onChange={(e) => controller.colourBy('dimension', Number(e.target.value))}>
            {Array.from({ length: latentDim }, (_, i) => (
              <option key={i} value={i}>
                z{i + 1}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {valueScale ? (
        <ValueLegend min={valueScale.min} max={valueScale.max} title={MODE_LABELS[colourBy.mode]} />
      ) : colourBy.mode === 'error' ? (
        <span className="subtle">Measuring every image's error…</span>
      ) : (
        <ul className="legend" aria-label="Classes">
          {dataset?.classNames.map((name, i) => (
            <li key={name}>
              <span className="swatch" style={{ background: palette.css[i] }} />
              {name}
            </li>
          ))}
        </ul>
      )}
      <div className="metric" title="Share of held-out images whose 5 nearest training images on the map mostly share their label">
        <span id="knn-label">Held-out kNN accuracy</span>
        <output aria-labelledby="knn-label" data-value={knnAccuracy ?? ''}>
          {knnAccuracy === null ? '—' : formatPercent(knnAccuracy)}
        </output>
      </div>
    </div>
  );
}
