// The page layout: controls on the left, the latent map in the middle, what the model makes of
// it on the right. Sized for a projector: large type, calm colours, nothing that flickers.
import { BackendPicker, ProgressBar, TrainingButtons } from './TrainingControls';
import { OfflineSign } from './offline/OfflineSign';
import { SettingsForm } from './SettingsForm';
import { LatentMap } from './LatentMap';
import { MapLegend } from './MapLegend';
import { SelectionGallery } from './SelectionGallery';
import { DecodedImage } from './DecodedImage';
import { ReconstructionGrid } from './ReconstructionGrid';
import { DrawingPad } from './DrawingPad';
import { LossChart } from './LossChart';
import { KindPanel } from './KindPanel';
import { CodeHistogram } from './CodeHistogram';
import { PriorSamples } from './PriorSamples';
import { Notices } from './Notices';
import { useHiddenTabReport } from './useHiddenTabReport';
import { DataPanel } from './DataPanel';
import { WalksPanel } from './WalksPanel';
import { CompareView, startComparison } from './CompareView';
import { ApplicationsPanel } from './applications/ApplicationsPanel';
import { useAppState, useController } from './controllerContext';
import { ClassroomBar } from './classroom/ClassroomBar';
import { Panel } from './classroom/Panel';
import { ConfirmHost } from './classroom/confirm';
import { Announcer } from './classroom/Announcer';
import { LessonPanel } from './lesson/LessonPanel';
import { SessionPanel } from './saved/SessionPanel';
import './classroom/classroom.css';
import { useState } from 'react';
import type { AppController } from '../state/controller';

export function App() {
  const dataset = useAppState((state) => state.dataset);
  const datasetError = useAppState((state) => state.datasetError);
  const controller = useController();
  useHiddenTabReport(controller);
  const [second, setSecond] = useState<AppController | null>(null);
  const toggleCompare = () => {
    if (second) {
      second.dispose();
      setSecond(null);
    } else {
      setSecond(startComparison(controller));
    }
  };
  return (
    <div className="app">
      <header className="app-header">
        <h1>Latent Explorer</h1>
        <p className="dataset-line">
          {dataset
            ? `${dataset.name} · ${dataset.count.toLocaleString('en-US')} images · ${dataset.split.train.length.toLocaleString('en-US')} to train on, ${dataset.split.heldOut.length.toLocaleString('en-US')} held out`
            : datasetError ?? 'Loading the digits…'}
        </p>
        <OfflineSign />
        <ClassroomBar />
        <Panel name="compare">
          <button type="button" className="compare-toggle" aria-pressed={second !== null} disabled={!dataset} onClick={toggleCompare}>
            {second ? 'Back to one model' : 'Compare two kinds'}
          </button>
        </Panel>
      </header>
      <Notices />
      <Announcer />
      <ConfirmHost />
      {second ? (
        <CompareView second={second} onReplace={setSecond} onClose={toggleCompare} />
      ) : (
      <main className="layout">
        <aside className="controls" aria-label="Controls">
          <LessonPanel />
          <div className="controls-body panel">
            <Panel name="training"><TrainingButtons /></Panel>
            <Panel name="progress"><ProgressBar /></Panel>
            <Panel name="data"><DataPanel /></Panel>
            <Panel name="settings"><SettingsForm /></Panel>
            <Panel name="backend"><BackendPicker /></Panel>
            <Panel name="sessions"><SessionPanel /></Panel>
          </div>
        </aside>
        <section className="map-column" aria-label="Latent space">
          <LatentMap />
          <Panel name="legend"><MapLegend /></Panel>
          <SelectionGallery />
          <Panel name="loss" only="presenter"><LossChart /></Panel>
          <Panel name="walks"><WalksPanel /></Panel>
        </section>
        <aside className="results" aria-label="Results">
          <Panel name="decoded"><DecodedImage /></Panel>
          <Panel name="reconstructions"><ReconstructionGrid /></Panel>
          <Panel name="loss" only="normal"><LossChart /></Panel>
          <Panel name="kind"><KindPanel /></Panel>
          <Panel name="histogram"><CodeHistogram /></Panel>
          <Panel name="prior"><PriorSamples /></Panel>
          <Panel name="draw"><DrawingPad /></Panel>
        </aside>
      </main>
      )}
      {dataset && (
        <Panel name="applications">
          <ApplicationsPanel second={second} />
        </Panel>
      )}
    </div>
  );
}
