// Entry point, kept tiny so it runs within a few ms of the page arriving: it starts the training
// worker (whose bundle then loads beside the app's own, see train/earlyWorker.ts) and then loads
// the app itself.
import { startTrainingWorkerEarly } from './train/earlyWorker';

startTrainingWorkerEarly();
import('./startApp').catch((error: unknown) => {
  const root = document.getElementById('root');
  if (root) root.textContent = `Latent Explorer could not load (${error instanceof Error ? error.message : String(error)}). Reload the page to try again.`;
});
