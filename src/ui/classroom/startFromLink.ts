// Opening a link: the view it names (dataset, colouring, palette, presenter mode, lesson step,
// hidden panels, zoom) is set before the first model is built, so the page opens as it was shared.
import type { AppController } from '../../state/controller';
import type { LinkView } from '../../state/linkView';
import { BUILT_IN_MNIST_PATH } from '../../data/packedDataset';
import type { Dataset } from '../../data/dataset';
import { switchToBuiltInSet } from '../builtInSets';

/** Whether the link opens on the built-in digits (the default) rather than another built-in set. */
export function opensOnBuiltInDigits(view: Partial<LinkView>): boolean {
  return !view.data || view.data === 'mnist';
}

/** `digits`: the built-in digits, when their fetch was started earlier (see startSession.ts). */
export async function startFromLink(controller: AppController, view: Partial<LinkView>, digits?: Promise<Dataset>): Promise<void> {
  controller.setClassroom({
    ...(view.presenter !== undefined ? { presenter: view.presenter } : {}),
    ...(view.lesson !== undefined ? { lessonStep: view.lesson } : {}),
    ...(view.hide ? { hidden: view.hide } : {}),
    ...(view.palette ? { palette: view.palette } : {}),
  });
  if (view.anomalyClass !== undefined) controller.setAnomalyClass(view.anomalyClass);
  if (view.colour) controller.colourBy(view.colour.mode, view.colour.dimension, view.colour.factor);
  // The pan is a share of the map: a map of width 1 and height 1 scales to the one on this screen.
  if (view.zoom) controller.store.dispatch({ type: 'zoom-requested', zoom: { ...view.zoom, width: 1, height: 1 } });
  if (view.data && !opensOnBuiltInDigits(view)) {
    if (await switchToBuiltInSet(controller, view.data)) return;
  }
  await controller.loadBuiltInData(new URL(BUILT_IN_MNIST_PATH, document.baseURI).href, digits);
}
