// The app: one controller for the page's lifetime, settings from the link, the built-in digits,
// and the React tree (loaded by main.tsx). The link follows the settings of the model being trained.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppController } from './state/controller';
import { readUrlSettings } from './state/urlState';
import { liveHash } from './ui/classroom/classroomLink';
import { DEFAULT_RAW_SETTINGS } from './model/validate';
import { ControllerContext } from './ui/controllerContext';
import { App } from './ui/App';
import { SessionKeeper } from './saved/sessionKeeper';
import { IndexedDbSessionStore, MemorySessionStore } from './saved/sessionStore';
import { SessionKeeperContext } from './ui/saved/sessionContext';
import { startWithAutosave } from './ui/saved/startSession';
import { startOfflineSupport } from './offline/offline';
import { OfflineContext } from './ui/offline/OfflineSign';
import { whenPageSettles } from './offline/offlineTiming';
import { publishTensorCounts } from './lib/tensorCounts';
import './styles.css';

const fromLink = readUrlSettings(window.location.hash, DEFAULT_RAW_SETTINGS, [28, 28, 1]);
const controller = new AppController(fromLink.raw);
// One notice for the whole link: the page keeps only its latest few notices.
if (fromLink.problems.length > 0) controller.notify('warning', fromLink.problems.join(' '));
if (fromLink.backend) controller.chooseBackend(fromLink.backend);
if (fromLink.projection) controller.setProjection(fromLink.projection);
// Sessions autosave to IndexedDB (in memory where a browser has none), and a reload resumes them.
const keeper = new SessionKeeper(controller, typeof indexedDB === 'undefined' ? new MemorySessionStore() : new IndexedDbSessionStore(), document.baseURI);
void startWithAutosave(controller, keeper, fromLink.raw, fromLink.view);
// Offline use is set up once the page is ready and not training (its first install is heavy), or
// at once where the link says offline=now.
const offline = startOfflineSupport({ when: whenPageSettles(controller.store), now: fromLink.offlineNow, onProblem: (text) => controller.notify('warning', text) });

// The address bar follows the model being trained and the view (not every keystroke in the form).
let linked: unknown[] = [];
controller.store.subscribe(() => {
  const state = controller.store.getState();
  const parts = [state.applied, state.classroom, state.colourBy, state.projectionKind];
  if (parts.every((part, i) => part === linked[i])) return;
  linked = parts;
  if (!state.applied) return;
  const hash = liveHash(state);
  window.history.replaceState(null, '', hash || window.location.pathname + window.location.search);
});

// The page's tensor counts (its decoder copy), for the leak test and the benchmark.
publishTensorCounts(window);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <SessionKeeperContext.Provider value={keeper}>
        <OfflineContext.Provider value={offline}>
          <App />
        </OfflineContext.Provider>
      </SessionKeeperContext.Provider>
    </ControllerContext.Provider>
  </StrictMode>,
);
