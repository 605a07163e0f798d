// Bottleneck sweep: the current kind and settings trained briefly at latent sizes 1 to 64 in a
// worker of their own (the model on screen is untouched), then charted: training and held-out
// error and the code probe's accuracy against latent size, with the two limits marked where the
// measured curves show them. The sweep lives in a small module store, so it keeps running and
// keeps its results while another tab is open.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { SWEEP_SIZES, sweepVerdict, type SweepPoint } from '../../analysis/bottleneckSweep';
import { SweepRun } from '../../analysis/sweepClient';
import type { SweepEvent } from '../../analysis/sweepProtocol';
import type { AppController } from '../../state/controller';
import { renderSweepChart } from '../../viz/sweepChart';
import { useController } from '../controllerContext';
import { formatDuration, formatLoss, formatPercent } from '../format';

interface SweepState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
  sizes: readonly number[];
  secondsPerSize: number;
  points: SweepPoint[];
  failures: { latentDim: number; message: string }[];
  /** Index of the size being trained, and how far into its time. */
  current: { index: number; elapsed: number } | null;
  /** Mean seconds measuring a size took, for the time left. */
  measureSeconds: number[];
  backend: string | null;
  trainedOn: number | null;
  lossName: string;
  message: string | null;
}

const idle: SweepState = {
  status: 'idle',
  sizes: SWEEP_SIZES,
  secondsPerSize: 20,
  points: [],
  failures: [],
  current: null,
  measureSeconds: [],
  backend: null,
  trainedOn: null,
  lossName: 'loss',
  message: null,
};

let sweepState = idle;
let run: SweepRun | null = null;
const listeners = new Set<() => void>();
function update(change: Partial<SweepState>): void {
  sweepState = { ...sweepState, ...change };
  for (const listener of listeners) listener();
}
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

function onEvent(event: SweepEvent): void {
  switch (event.type) {
    case 'backend':
      update({ backend: event.name });
      return;
    case 'progress':
      update({ current: { index: event.index, elapsed: event.elapsed } });
      return;
    case 'point':
      update({
        points: [...sweepState.points, event.point],
        measureSeconds: [...sweepState.measureSeconds, event.measureSeconds],
        current: { index: event.index + 1, elapsed: 0 },
      });
      return;
    case 'size-failed':
      update({ failures: [...sweepState.failures, { latentDim: event.latentDim, message: event.message }], current: { index: event.index + 1, elapsed: 0 } });
      return;
    case 'done':
      run = null;
      update({ status: 'done', current: null, trainedOn: event.trainedOn });
      return;
    case 'error':
      run = null;
      update({ status: 'failed', current: null, message: event.message });
      return;
  }
}

function startSweep(controller: AppController, secondsPerSize: number, subsetSize: number | null): void {
  const state = controller.store.getState();
  const { dataset, applied } = state;
  if (!dataset || !applied) {
    update({ status: 'failed', message: 'There is no model to sweep yet.' });
    return;
  }
  run?.stop();
  let classCount = dataset.classNames.length;
  for (const label of dataset.labels) classCount = Math.max(classCount, label + 1);
  const lossName = applied.spec.loss === 'bce' ? 'cross-entropy' : 'squared error';
  update({
    ...idle,
    status: 'running',
    secondsPerSize,
    current: { index: 0, elapsed: 0 },
    lossName: applied.spec.kind === 'variational' ? `${lossName}, summed per image` : lossName,
  });
  run = new SweepRun(
    {
      type: 'start',
      images: dataset.images.slice(),
      labels: dataset.labels.slice(),
      classCount,
      shape: dataset.shape,
      train: dataset.split.train.slice(),
      heldOut: dataset.split.heldOut.slice(),
      config: applied,
      sizes: [...SWEEP_SIZES],
      secondsPerSize,
      subsetSize,
      preferredBackend: state.backend?.chosen ?? null,
    },
    onEvent,
  );
}

function cancelSweep(): void {
  run?.stop();
  run = null;
  update({ status: 'cancelled', current: null });
}

/** Seconds the rest of the sweep will take, at the time per size plus the measuring seen so far. */
function secondsLeft(state: SweepState): number {
  if (!state.current) return 0;
  const measured = state.measureSeconds;
  const measuring = measured.length > 0 ? measured.reduce((a, b) => a + b, 0) / measured.length : 2;
  const after = state.sizes.length - state.current.index - 1;
  return Math.max(0, state.secondsPerSize - state.current.elapsed) + measuring + Math.max(0, after) * (state.secondsPerSize + measuring);
}

const CHART = { width: 760, height: 400 };

function SweepChart({ state }: { state: SweepState }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const verdict = sweepVerdict(state.points);
  const complete = state.status === 'done';
  useEffect(() => {
    if (!svgRef.current) return;
    renderSweepChart(
      svgRef.current,
      {
        sizes: state.sizes,
        points: state.points,
        // The limits are read off the whole curve, so they are marked once every size is in.
        tooSmall: complete ? verdict.tooSmall : [],
        tooLarge: complete ? verdict.tooLarge : [],
        errorTitle: `Reconstruction error (${state.lossName})`,
      },
      CHART,
    );
  }, [state, complete, verdict.tooSmall, verdict.tooLarge]);
  const label =
    `Bottleneck sweep chart` +
    (state.points.length > 0 ? `: ${state.points.length} latent sizes measured` : ': no sizes measured yet');
  return (
    <>
      <svg
        ref={svgRef}
        className="sweep-chart"
        width={CHART.width}
        height={CHART.height}
        viewBox={`0 0 ${CHART.width} ${CHART.height}`}
        role="img"
        aria-label="Bottleneck sweep chart"
        aria-description={label}
        data-sizes={state.points.length}
      />
      {complete && state.points.length > 0 && (
        <p className="sweep-verdict" aria-label="Why">
          {verdict.sentence}
        </p>
      )}
    </>
  );
}

export function BottleneckSweepTab() {
  const controller = useController();
  const state = useSyncExternalStore(subscribe, () => sweepState);
  const [secondsText, setSecondsText] = useState('20');
  const [useSubset, setUseSubset] = useState(false);
  const [subsetText, setSubsetText] = useState('1000');
  const seconds = Number(secondsText);
  const subset = Number(subsetText);
  const secondsOk = /^\d+(\.\d+)?$/.test(secondsText.trim()) && seconds >= 1 && seconds <= 600;
  const subsetOk = !useSubset || (/^\d+$/.test(subsetText.trim()) && subset >= 10);
  const running = state.status === 'running';
  const total = state.sizes.length * (state.secondsPerSize + 2);
  const left = secondsLeft(state);
  const currentSize = state.current ? state.sizes[Math.min(state.current.index, state.sizes.length - 1)] : null;

  return (
    <div className="app-tab sweep-tab">
      <p className="app-note">
        Trains the current kind and settings for a few seconds at each latent size, each time from the same seed, in a worker of its
        own: the model you are training is not touched. A small training subset lets a large code memorise its images.
      </p>
      <div className="app-tab-controls">
        <label>
          Seconds per size{' '}
          <input
            type="number"
            min={1}
            max={600}
            step={1}
            value={secondsText}
            aria-invalid={!secondsOk}
            onChange={(event) => setSecondsText(event.target.value)}
            style={{ width: '5rem' }}
          />
        </label>
        <label>
          <input type="checkbox" checked={useSubset} onChange={(event) => setUseSubset(event.target.checked)} /> Train on a subset
        </label>
        <label>
          Subset size{' '}
          <input
            type="number"
            min={10}
            step={100}
            value={subsetText}
            disabled={!useSubset}
            aria-invalid={!subsetOk}
            onChange={(event) => setSubsetText(event.target.value)}
            style={{ width: '6rem' }}
          />
        </label>
        {running ? (
          <button type="button" onClick={cancelSweep}>
            Cancel sweep
          </button>
        ) : (
          <button type="button" className="primary" disabled={!secondsOk || !subsetOk} onClick={() => startSweep(controller, seconds, useSubset ? subset : null)}>
            Run sweep
          </button>
        )}
      </div>
      {!secondsOk && <p className="app-error">Seconds per size must be a number from 1 to 600.</p>}
      {!subsetOk && <p className="app-error">The subset must be a whole number of at least 10 images.</p>}
      {running && (
        <div className="sweep-progress">
          <progress aria-label="Sweep progress" max={total} value={Math.max(0, total - left)} />
          <span aria-live="polite">
            Latent size {currentSize} ({Math.min((state.current?.index ?? 0) + 1, state.sizes.length)} of {state.sizes.length}) · about{' '}
            {formatDuration(left)} left
          </span>
        </div>
      )}
      {state.status === 'cancelled' && <p className="hint">Sweep cancelled; the sizes measured so far are kept.</p>}
      {state.message && <p className="app-error" role="alert">{state.message}</p>}
      {state.failures.map((failure) => (
        <p key={failure.latentDim} className="app-error">
          Latent size {failure.latentDim}: {failure.message}
        </p>
      ))}
      <SweepChart state={state} />
      {state.points.length > 0 && (
        <table className="sweep-table" aria-label="Bottleneck sweep figures">
          <thead>
            <tr>
              <th scope="col">Latent size</th>
              <th scope="col">Training error</th>
              <th scope="col">Held-out error</th>
              <th scope="col">Code probe accuracy</th>
              <th scope="col">Steps</th>
            </tr>
          </thead>
          <tbody>
            {state.points.map((point) => (
              <tr key={point.latentDim}>
                <th scope="row">{point.latentDim}</th>
                <td>{formatLoss(point.trainError)}</td>
                <td>{formatLoss(point.heldOutError)}</td>
                <td>{formatPercent(point.probeAccuracy)}</td>
                <td>{point.steps.toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {state.backend && (
        <p className="hint">
          Trained on {state.backend}
          {state.trainedOn !== null ? `, ${state.trainedOn.toLocaleString('en-US')} training images per size` : ''}.
        </p>
      )}
    </div>
  );
}
