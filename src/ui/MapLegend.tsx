// The class legend under the map and the held-out kNN accuracy, the map's quality in one number.
import { useMemo } from 'react';
import { classColors } from '../viz/colors';
import { useAppState } from './controllerContext';
import { formatPercent } from './format';

export function MapLegend() {
  const dataset = useAppState((state) => state.dataset);
  const knnAccuracy = useAppState((state) => state.knnAccuracy);
  const palette = useMemo(() => classColors(dataset?.classNames.length ?? 0), [dataset]);
  return (
    <div className="map-footer">
      <ul className="legend" aria-label="Classes">
        {dataset?.classNames.map((name, i) => (
          <li key={name}>
            <span className="swatch" style={{ background: palette.css[i] }} />
            {name}
          </li>
        ))}
      </ul>
      <div className="metric" title="Share of held-out images whose 5 nearest training images on the map mostly share their label">
        <span id="knn-label">Held-out kNN accuracy</span>
        <output aria-labelledby="knn-label" data-value={knnAccuracy ?? ''}>
          {knnAccuracy === null ? '—' : formatPercent(knnAccuracy)}
        </output>
      </div>
    </div>
  );
}
