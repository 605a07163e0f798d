// Opening the page: a reload or a crashed tab resumes the newest autosave made with the link's
// settings; otherwise the page starts as the link says.
import type { AppController } from '../../state/controller';
import type { LinkView } from '../../state/linkView';
import type { RawSettings } from '../../model/validate';
import type { SessionKeeper } from '../../session/sessionKeeper';
import { startFromLink } from '../classroom/startFromLink';

export async function startWithAutosave(controller: AppController, keeper: SessionKeeper, settings: RawSettings, view: Partial<LinkView>): Promise<void> {
  if (!(await keeper.resumeLatest(settings))) {
    await startFromLink(controller, view);
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
