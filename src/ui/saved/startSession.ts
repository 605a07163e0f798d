// Opening the page: a reload or a crashed tab resumes the newest autosave made with the link's
// settings; otherwise the page starts as the link says.
import type { AppController } from '../../state/controller';
import type { LinkView } from '../../state/linkView';
import type { RawSettings } from '../../model/validate';
import type { SessionKeeper } from '../../saved/sessionKeeper';
import { opensOnBuiltInDigits, startFromLink } from '../classroom/startFromLink';
import { BUILT_IN_MNIST_PATH, loadBuiltInMnist } from '../../data/packedDataset';

export async function startWithAutosave(controller: AppController, keeper: SessionKeeper, settings: RawSettings, view: Partial<LinkView>): Promise<void> {
  // The digits are fetched while IndexedDB is asked for an autosave, not after: most visits have
  // none, and the answer waits behind the page's first render, so in turn the two added up to a
  // few hundred ms before Train could be enabled. A resumed session brings its own data instead.
  const digits = opensOnBuiltInDigits(view) ? loadBuiltInMnist(new URL(BUILT_IN_MNIST_PATH, document.baseURI).href) : undefined;
  // Unused when a session resumes: its failure is not the page's problem then.
  digits?.catch(() => {});
  if (!(await keeper.resumeLatest(settings))) {
    await startFromLink(controller, view, digits);
    return;
  }
  // The session brings its own data and map view; the link still sets how the page is shown.
  controller.setClassroom({
    ...(view.presenter !== undefined ? { presenter: view.presenter } : {}),
    ...(view.lesson !== undefined ? { lessonStep: view.lesson } : {}),
    ...(view.hide ? { hidden: view.hide } : {}),
    ...(view.palette ? { palette: view.palette } : {}),
  });
}
