// The Applications panel: one tab per use of an autoencoder, each measured on the model being
// trained. Owns the analysis worker and the measure tick that tells the tabs when to measure again.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { AnalysisClient } from '../../analysis/analysisClient';
import type { ModelSlot } from '../../analysis/analysisProtocol';
import type { AppController } from '../../state/controller';
import { useAppState, useController } from '../controllerContext';
import { ApplicationsContext, type ApplicationsContextValue, type MeasuredModel } from './applicationsContext';
import { shouldMeasureAgain } from './measureSchedule';
import { APPLICATION_TABS } from './tabs';
import './applications.css';

/** Snapshot one controller's model and load it into the analysis worker as `slot`. */
async function measure(controller: AppController, analysis: AnalysisClient, slot: ModelSlot): Promise<MeasuredModel> {
  const state = controller.store.getState();
  const { dataset, applied: config } = state;
  if (!dataset || !config) throw new Error('There is no model yet.');
  const snapshot = await controller.snapshotModel();
  analysis.useDataset(dataset, dataset);
  analysis.useModel(slot, `${JSON.stringify(config)}@${snapshot.globalStep}`, config, snapshot.encoder, snapshot.decoder);
  const after = controller.store.getState();
  return { slot, config, dataset, snapshot, latents: after.latents, map: after.map };
}

/** One snapshot per tick and model, shared by every tab that asks. */
interface MeasureCache {
  tick: number;
  main: Promise<MeasuredModel> | null;
  second: Promise<MeasuredModel> | null;
}

export function ApplicationsPanel({ second = null }: { second?: AppController | null }) {
  const controller = useController();
  const applied = useAppState((state) => state.applied);
  const untrained = useAppState((state) => (state.progress?.globalStep ?? 0) === 0);
  const [tick, setTick] = useState(0);
  const [active, setActive] = useState(APPLICATION_TABS[0]?.id ?? '');
  // The worker starts on the first job and stops when the panel goes (StrictMode's remount restarts it).
  const [analysis] = useState(() => new AnalysisClient());
  const [cache] = useState<MeasureCache>(() => ({ tick: -1, main: null, second: null }));
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  useEffect(() => () => analysis.dispose(), [analysis]);

  // Measure again when training pauses or finishes, and at an epoch's end (see measureSchedule.ts).
  useEffect(() => {
    let { status: lastStatus, losses: lastLosses } = controller.store.getState();
    let lastMeasuredAt = performance.now();
    return controller.store.subscribe(() => {
      const { status, losses } = controller.store.getState();
      const settled = (status === 'paused' || status === 'done') && status !== lastStatus;
      const epochEnded = losses.length > lastLosses.length;
      lastStatus = status;
      lastLosses = losses;
      const now = performance.now();
      if (shouldMeasureAgain({ settled, epochEnded, now, lastMeasuredAt })) {
        lastMeasuredAt = now;
        setTick((value) => value + 1);
      }
    });
  }, [controller]);

  const context = useMemo<ApplicationsContextValue>(() => {
    const forTick = () => {
      if (cache.tick !== tick) Object.assign(cache, { tick, main: null, second: null });
      return cache;
    };
    return {
      tick,
      untrained,
      analysis,
      second,
      measureModel: () => {
        const entry = forTick();
        entry.main ??= measure(controller, analysis, 'main');
        return entry.main;
      },
      measureSecondModel: () => {
        if (!second) return null;
        const entry = forTick();
        entry.second ??= measure(second, analysis, 'second');
        return entry.second;
      },
    };
  }, [analysis, cache, tick, untrained, controller, second]);

  const onTabKey = useCallback(
    (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      event.preventDefault();
      const next = APPLICATION_TABS[(index + step + APPLICATION_TABS.length) % APPLICATION_TABS.length];
      setActive(next.id);
      tabRefs.current.get(next.id)?.focus();
    },
    [],
  );

  const activeTab = APPLICATION_TABS.find((tab) => tab.id === active) ?? APPLICATION_TABS[0];
  return (
    <section className="panel applications" aria-label="Applications">
      <div className="applications-head">
        <h2>What autoencoders are for</h2>
        <p className="hint">
          Each tab tests one use on the model you are training. Figures update when you pause, every few seconds while training, and
          when you press Measure.
        </p>
        <button type="button" className="measure-button" disabled={!applied} onClick={() => setTick((value) => value + 1)}>
          Measure
        </button>
      </div>
      <div role="tablist" aria-label="Application tabs" className="applications-tabs">
        {APPLICATION_TABS.map((tab, index) => (
          <button
            key={tab.id}
            ref={(element) => {
              if (element) tabRefs.current.set(tab.id, element);
              else tabRefs.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`app-tab-${tab.id}`}
            aria-selected={tab.id === activeTab?.id}
            aria-controls={`app-panel-${tab.id}`}
            tabIndex={tab.id === activeTab?.id ? 0 : -1}
            onClick={() => setActive(tab.id)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {activeTab && (
        <div role="tabpanel" id={`app-panel-${activeTab.id}`} aria-labelledby={`app-tab-${activeTab.id}`} className="applications-body">
          <ApplicationsContext.Provider value={context}>
            <activeTab.Component />
          </ApplicationsContext.Provider>
        </div>
      )}
    </section>
  );
}
