// Sparse autoencoder: how active the code units are on held-out images, live. With the KL penalty
// the mean should settle near the target rate ρ; with L1 most activations should sit near zero.
import { useEffect, useRef } from 'react';
import { renderHistogram, type HistogramMarker } from '../viz/histogram';
import { useAppState } from './controllerContext';

const SIZE = { width: 440, height: 200 };

export function CodeHistogram() {
  const svgRef = useRef<SVGSVGElement>(null);
  const activations = useAppState((state) => state.codeActivations);
  const spec = useAppState((state) => state.applied?.spec ?? null);
  const target = spec?.kindOptions?.sparsityType !== 'l1' ? spec?.kindOptions?.sparsityTarget ?? 0.05 : null;
  let mean = Number.NaN;
  if (activations) {
    let sum = 0;
    for (const value of activations.values) sum += Math.abs(value);
    mean = sum / Math.max(1, activations.values.length);
  }
  useEffect(() => {
    if (!svgRef.current || !activations) return;
    const markers: HistogramMarker[] = [{ value: mean, label: `mean |h| ${mean.toFixed(3)}`, color: '#c0392b' }];
    if (target !== null) markers.push({ value: target, label: `target ρ ${target}`, color: '#2e7d32' });
    renderHistogram(svgRef.current, activations.values, SIZE, markers);
  }, [activations, mean, target]);
  if (spec?.kind !== 'sparse') return null;
  return (
    <section className="panel histogram" aria-labelledby="histogram-title">
      <h2 id="histogram-title">Code activations on held-out images</h2>
      {activations ? (
        <svg ref={svgRef} width={SIZE.width} height={SIZE.height} viewBox={`0 0 ${SIZE.width} ${SIZE.height}`} role="img" aria-label="Code activation histogram" />
      ) : (
        <p className="hint">Appears once the model is built.</p>
      )}
      <p className="hint">
        Mean activation <output aria-label="Mean code activation">{Number.isFinite(mean) ? mean.toFixed(3) : '—'}</output>
        {target !== null ? ` · target ρ = ${target}` : ''}
      </p>
    </section>
  );
}
