// Compare two kinds side by side: a second model (its own worker, map and losses) trained on the
// same data with the same settings and seed, differing only in its kind.
import { AppController } from '../state/controller';
import { KIND_CHOICES } from '../model/validate';
import type { AutoencoderKind } from '../model/spec';
import { ControllerContext, useAppState, useController } from './controllerContext';
import { LatentMap } from './LatentMap';
import { MapLegend } from './MapLegend';
import { LossChart } from './LossChart';
import { DecodedImage } from './DecodedImage';
import { ProgressBar } from './TrainingControls';
import { KIND_DESCRIPTIONS } from './kindFormulas';

function kindOf(controller: AppController): AutoencoderKind {
  return (controller.store.getState().rawSettings.kind ?? 'basic') as AutoencoderKind;
}

/** The second model: the first one's settings, another kind. */
function createSecond(first: AppController, kind: AutoencoderKind): AppController {
  const state = first.store.getState();
  const second = new AppController({ ...state.rawSettings, kind });
  const dataset = state.dataset;
  if (dataset) {
    second.useDataset({ name: dataset.name, images: dataset.images, labels: dataset.labels, shape: dataset.shape, classNames: dataset.classNames, factors: dataset.factors });
  }
  return second;
}

function ModelColumn({ label }: { label: string }) {
  const spec = useAppState((state) => state.applied?.spec ?? null);
  return (
    <section className="compare-column" aria-label={`Model ${label}`}>
      <h2 className="compare-title">
        {label}: {spec ? KIND_DESCRIPTIONS[spec.kind].title : '…'}
      </h2>
      <ProgressBar />
      <LatentMap />
      <MapLegend />
      <div className="compare-results">
        <DecodedImage />
        <LossChart />
      </div>
    </section>
  );
}

function KindSelect({ label, value, onChange }: { label: string; value: AutoencoderKind; onChange: (kind: AutoencoderKind) => void }) {
  return (
    <label className="field">
      <span>Model {label}</span>
      <select aria-label={`Model ${label} kind`} value={value} onChange={(e) => onChange(e.target.value as AutoencoderKind)}>
        {KIND_CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The second model: the first one's settings, another kind. Call from an event handler. */
export function startComparison(first: AppController): AppController {
  const firstKind = kindOf(first);
  return createSecond(first, firstKind === 'variational' ? 'basic' : 'variational');
}

interface CompareViewProps {
  second: AppController;
  /** Replace the second model (a new kind, or A's new settings). */
  onReplace: (next: AppController) => void;
  onClose: () => void;
}

export function CompareView({ second, onReplace, onClose }: CompareViewProps) {
  const first = useController();
  const firstKind = (useAppState((state) => state.rawSettings.kind) ?? 'basic') as AutoencoderKind;
  const secondKind = kindOf(second);
  const both = (action: (controller: AppController) => void) => {
    action(first);
    action(second);
  };
  const replaceSecond = (kind: AutoencoderKind) => {
    second.dispose();
    onReplace(createSecond(first, kind));
  };

  return (
    <main className="compare-layout">
      <aside className="controls panel" aria-label="Compare controls">
        <h2>Compare two kinds</h2>
        <p className="hint">Same data, same settings, same seed; only the kind differs.</p>
        <KindSelect label="A" value={firstKind} onChange={(kind) => first.editSetting('kind', kind)} />
        <KindSelect label="B" value={secondKind} onChange={replaceSecond} />
        <div className="buttons">
          <button type="button" className="primary" onClick={() => both((c) => c.train())}>
            Train both
          </button>
          <button type="button" onClick={() => both((c) => c.pause())}>
            Pause both
          </button>
          <button
            type="button"
            onClick={() => {
              // A applies its form; B follows A's settings, keeping its own kind.
              first.reset();
              replaceSecond(secondKind);
            }}
          >
            Reset both
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </aside>
      <ModelColumn label="A" />
      <ControllerContext.Provider value={second}>
        <ModelColumn label="B" />
      </ControllerContext.Provider>
    </main>
  );
}
