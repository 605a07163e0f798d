// Train / Pause / Resume / Step / Reset, the progress bar, and the backend picker.
import type { BackendChoice, BackendName } from '../train/protocol';
import { useAppState, useController } from './controllerContext';
import { formatCount, formatDuration } from './format';
import { shortDeviceName } from './deviceName';

export function TrainingButtons() {
  const controller = useController();
  const status = useAppState((state) => state.status);
  const hasData = useAppState((state) => state.dataset !== null);
  const busy = status === 'preparing' || !hasData;
  return (
    <div className="buttons" role="group" aria-label="Training">
      <button type="button" className="primary" onClick={() => controller.train()} disabled={busy || status === 'training' || status === 'paused'}>
        Train
      </button>
      {status === 'paused' ? (
        <button type="button" onClick={() => controller.train()}>
          Resume
        </button>
      ) : (
        <button type="button" onClick={() => controller.pause()} disabled={status !== 'training'}>
          Pause
        </button>
      )}
      <button type="button" onClick={() => controller.step()} disabled={busy || status === 'done'}>
        Step
      </button>
      <button type="button" onClick={() => controller.reset()} disabled={busy}>
        Reset
      </button>
    </div>
  );
}

const STATUS_WORDS = {
  idle: 'Ready',
  preparing: 'Preparing the model…',
  training: 'Training',
  paused: 'Paused',
  done: 'Done',
} as const;

export function ProgressBar() {
  const progress = useAppState((state) => state.progress);
  const status = useAppState((state) => state.status);
  const applied = useAppState((state) => state.applied);
  const fraction = progress ? progress.globalStep / progress.totalSteps : 0;
  const epochs = applied?.training.epochs ?? 0;
  return (
    <div className="progress">
      <div className="progress-head">
        <span className={`status status-${status}`}>{STATUS_WORDS[status]}</span>
        {progress ? (
          <span>
            Epoch {Math.min(progress.epoch, epochs)} / {epochs} · step {progress.step} / {progress.stepsPerEpoch}
          </span>
        ) : null}
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${fraction.toFixed(4)})` }} />
      </div>
      <div className="progress-figures">
        <span>{progress && progress.imagesPerSecond > 0 ? `${formatCount(progress.imagesPerSecond)} images/s` : '—'}</span>
        <span>
          {status === 'training' && progress && Number.isFinite(progress.secondsLeft)
            ? `${formatDuration(progress.secondsLeft)} left`
            : ''}
        </span>
      </div>
    </div>
  );
}

const BACKEND_LABELS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'CPU (plain JavaScript)',
};

const HOW_WORDS: Record<BackendChoice, string> = {
  guess: ' (first guess)',
  measured: ' (fastest measured)',
  only: ' (fastest here, nothing to compare)',
  user: ' (your choice)',
  fallback: ' (fallback)',
};

function isGpu(name: BackendName): boolean {
  return name === 'webgpu' || name === 'webgl';
}

export function BackendPicker() {
  const controller = useController();
  const backend = useAppState((state) => state.backend);
  const status = useAppState((state) => state.status);
  const engine = useAppState((state) => state.progress?.engine);
  const engineNote = useAppState((state) => state.progress?.engineNote);
  if (!backend) {
    return <p className="backend-line" role="status">Backend: measuring…</p>;
  }
  // How the chosen backend runs: the GPU it runs on (so a teacher sees which one), or wasm's threads.
  const chosenDetail = backend.reports.find((report) => report.name === backend.chosen && report.works)?.detail;
  // Every backend not known to be broken can be picked, measured or not.
  const broken = new Set(backend.reports.filter((report) => !report.works).map((report) => report.name));
  const pickable = (Object.keys(BACKEND_LABELS) as BackendName[]).filter((name) => !broken.has(name));
  return (
    <div className="backend">
      <p className="backend-line" role="status">
        Backend: {backend.chosen}
        <span className="backend-how">
          {HOW_WORDS[backend.how]}
        </span>
        {chosenDetail ? (
          <span className="backend-device" title={chosenDetail}>
            {isGpu(backend.chosen) ? `, on ${shortDeviceName(chosenDetail)}` : `, ${chosenDetail}`}
          </span>
        ) : null}
        {engine ? (
          <span className="backend-engine" title={engineNote}>
            {`, trained by ${engine}`}
          </span>
        ) : null}
      </p>
      <label className="backend-select">
        <span>Run on</span>
        <select
          aria-label="Backend"
          value={backend.how === 'measured' || backend.how === 'only' || backend.how === 'guess' ? 'auto' : backend.chosen}
          disabled={status === 'preparing'}
          onChange={(e) => controller.chooseBackend(e.target.value === 'auto' ? null : (e.target.value as BackendName))}
        >
          <option value="auto">Fastest (measure)</option>
          {pickable.map((name) => (
            <option key={name} value={name}>
              {BACKEND_LABELS[name]}
            </option>
          ))}
        </select>
      </label>
      <ul className="backend-reports" aria-label="Backend self-test">
        {backend.reports.map((report) => (
          <li key={report.name} className={report.works ? '' : 'broken'} title={report.problem}>
            {report.name}
            {report.detail ? ` (${isGpu(report.name) ? shortDeviceName(report.detail) : report.detail})` : ''}: {report.works ? (report.imagesPerSecond ? `${formatCount(report.imagesPerSecond)} img/s` : 'not measured') : `unavailable${report.problem ? ` (${report.problem})` : ''}`}
          </li>
        ))}
      </ul>
    </div>
  );
}
