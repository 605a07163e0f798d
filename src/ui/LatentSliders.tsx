// One slider per latent dimension, showing the probe's full code. Moving a slider changes that one
// number and sets the probe's code, so the decoded image shows what the dimension does and the probe
// moves to where the new code lands on the map. Each slider spans about three standard deviations
// either side of its dimension's mean over the current codes, the range the model actually uses.
import { useMemo, useRef } from 'react';
import { createRng } from '../lib/rng';
import type { LatentSnapshot } from '../state/appState';
import { useAppState, useController } from './controllerContext';

/** Standard deviations either side of the mean that a slider covers. */
const SPREAD = 3;
/** Slider positions across the range: fine enough to feel continuous. */
const SLIDER_STEPS = 200;
/** Sliders beyond this are not drawn; latent sizes are validated to at most this anyway. */
const MAX_SLIDERS = 128;

interface DimensionRange {
  min: number;
  max: number;
  step: number;
}

/** Mean +/- SPREAD standard deviations of each dimension over every image's code. */
function dimensionRanges(latents: LatentSnapshot): DimensionRange[] {
  const { codes, latentDim } = latents;
  const count = codes.length / latentDim;
  const sums = new Float64Array(latentDim);
  const squares = new Float64Array(latentDim);
  for (let row = 0; row < count; row++) {
    for (let i = 0; i < latentDim; i++) {
      const value = codes[row * latentDim + i];
      sums[i] += value;
      squares[i] += value * value;
    }
  }
  const ranges: DimensionRange[] = [];
  for (let i = 0; i < latentDim; i++) {
    const mean = count > 0 ? sums[i] / count : 0;
    const variance = count > 0 ? Math.max(0, squares[i] / count - mean * mean) : 0;
    // A dimension the model never uses still gets a usable slider.
    const half = SPREAD * (Math.sqrt(variance) || 1 / SPREAD);
    ranges.push({ min: mean - half, max: mean + half, step: (2 * half) / SLIDER_STEPS });
  }
  return ranges;
}

export function LatentSliders({ active }: { active: boolean }) {
  const controller = useController();
  const latents = useAppState((state) => state.latents);
  const probe = useAppState((state) => state.probe);
  const map = useAppState((state) => state.map);
  const model = useAppState((state) => state.applied);
  /** Random codes drawn for this model so far: each draw gets its own seed, so a run is reproducible. */
  const drawsRef = useRef<{ model: unknown; count: number }>({ model: null, count: 0 });

  const ranges = useMemo(() => (active && latents ? dimensionRanges(latents) : null), [active, latents]);
  // probeCode() reads the probe and the map behind the controller; they are named here so the code
  // is read again whenever either changes.
  const code = useMemo(
    () => (active && map && probe ? controller.probeCode() : null),
    [active, controller, probe, map],
  );

  const setDimension = (dimension: number, value: number) => {
    const current = controller.probeCode();
    if (!current || !Number.isFinite(value)) return;
    const next = current.slice();
    next[dimension] = value;
    controller.setProbeCode(next);
  };

  const randomCode = () => {
    if (!model) return;
    if (drawsRef.current.model !== model) drawsRef.current = { model, count: 0 };
    drawsRef.current.count += 1;
    const rng = createRng(model.training.seed + drawsRef.current.count);
    const next = new Float32Array(model.spec.latentDim);
    for (let i = 0; i < next.length; i++) next[i] = rng.normal();
    controller.setProbeCode(next);
  };

  // Only a variational model is trained to make N(0, I) codes meaningful; elsewhere a prior draw lands anywhere.
  const variational = model?.spec.kind === 'variational';
  const shown = ranges && code ? Math.min(ranges.length, code.length, MAX_SLIDERS) : 0;

  return (
    <div className="walk-view">
      {variational ? (
        <div className="walk-options">
          <button type="button" onClick={randomCode} disabled={!map}>
            Random code
          </button>
          <span className="hint walk-inline-hint">drawn from the prior N(0, I)</span>
        </div>
      ) : null}
      {shown > 0 && ranges && code ? (
        <ul className="walk-sliders" aria-label="Latent code">
          {Array.from({ length: shown }, (_, i) => {
            const range = ranges[i];
            const id = `walks-z${i + 1}`;
            return (
              <li key={i} className="walk-slider">
                <label htmlFor={id}>z{i + 1}</label>
                <input
                  id={id}
                  type="range"
                  min={range.min}
                  max={range.max}
                  step={range.step}
                  value={Math.min(range.max, Math.max(range.min, code[i]))}
                  onChange={(event) => setDimension(i, Number(event.target.value))}
                />
                <output htmlFor={id} className={code[i] < range.min || code[i] > range.max ? 'outside' : undefined}>
                  {code[i].toFixed(2)}
                </output>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="hint">The sliders appear once the model has made its first map.</p>
      )}
      {shown > 0 ? (
        <p className="hint">Each slider spans ±{SPREAD} standard deviations of its dimension over all images.</p>
      ) : null}
    </div>
  );
}
