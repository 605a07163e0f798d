// Entry point: one controller for the page's lifetime, settings from the link, the built-in
// digits, and the React tree. The link follows the settings of the model being trained.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppController } from './state/controller';
import { readUrlSettings, settingsToHash } from './state/urlState';
import { BUILT_IN_MNIST_PATH } from './data/packedDataset';
import { DEFAULT_RAW_SETTINGS } from './model/validate';
import { ControllerContext } from './ui/controllerContext';
import { App } from './ui/App';
import './styles.css';

const fromLink = readUrlSettings(window.location.hash, DEFAULT_RAW_SETTINGS, [28, 28, 1]);
const controller = new AppController(fromLink.raw);
for (const problem of fromLink.problems) controller.notify('warning', problem);
if (fromLink.backend) controller.chooseBackend(fromLink.backend);
if (fromLink.projection) controller.setProjection(fromLink.projection);
void controller.loadBuiltInData(new URL(BUILT_IN_MNIST_PATH, document.baseURI).href);

let linkedConfig = controller.store.getState().applied;
controller.store.subscribe(() => {
  const state = controller.store.getState();
  if (state.applied === linkedConfig) return;
  linkedConfig = state.applied;
  const hash = settingsToHash(state.rawSettings, DEFAULT_RAW_SETTINGS);
  window.history.replaceState(null, '', hash || window.location.pathname + window.location.search);
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <App />
    </ControllerContext.Provider>
  </StrictMode>,
);
