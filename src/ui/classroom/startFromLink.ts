// Opening a link: the view it names (dataset, colouring, palette, presenter mode, lesson step,
// hidden panels, zoom) is set before the first model is built, so the page opens as it was shared.
import type { AppController } from '../../state/controller';
import type { LinkView } from '../../state/linkView';
import { BUILT_IN_MNIST_PATH } from '../../data/packedDataset';
import { switchToBuiltInSet } from '../builtInSets';

export async function startFromLink(controller: AppController, view: Partial<LinkView>): Promise<void> {
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
  if (view.data && view.data !== 'mnist') {
    if (await switchToBuiltInSet(controller, view.data)) return;
  }
  await controller.loadBuiltInData(new URL(BUILT_IN_MNIST_PATH, document.baseURI).href);
}
