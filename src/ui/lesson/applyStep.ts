// Sets the app up for a lesson step: its dataset, settings, projection and colouring. A step that
// needs a new model asks first when the current one has been trained.
import type { AppController } from '../../state/controller';
import type { AnySettingField } from '../../model/validate';
import type { LessonStep } from '../../lesson/steps';
import { switchToBuiltInSet } from '../builtInSets';
import { askToDiscard } from '../classroom/confirm';

/** Training steps the current model has taken (0 for a fresh one). */
export function trainedSteps(controller: AppController): number {
  const state = controller.store.getState();
  return state.applied ? (state.progress?.globalStep ?? 0) : 0;
}

/** 'applied', or 'kept' when the user chose to keep a trained model (nothing was changed). */
export async function applyStep(controller: AppController, step: LessonStep): Promise<'applied' | 'kept'> {
  const state = controller.store.getState();
  const setup = step.setup;
  const edits = (Object.entries(setup.settings ?? {}) as [AnySettingField, string][]).filter(
    ([field, value]) => (state.rawSettings[field] ?? '') !== value,
  );
  const newData = setup.dataset !== undefined && setup.dataset !== state.classroom.dataSource;
  const rebuild = newData || edits.length > 0 || controller.hasPendingChanges();
  const steps = trainedSteps(controller);
  if (rebuild && steps > 0) {
    const why = newData ? `This step loads another dataset.` : `This step builds a new model with its own settings.`;
    if (!(await askToDiscard(steps, why))) return 'kept';
  }
  for (const [field, value] of edits) controller.editSetting(field, value);
  if (newData && setup.dataset) {
    // Loading a dataset builds a model from the settings just edited.
    if (!(await switchToBuiltInSet(controller, setup.dataset))) return 'kept';
  } else if (rebuild) {
    controller.reset();
  }
  const after = controller.store.getState();
  const latentDim = after.applied?.spec.latentDim ?? 2;
  if (setup.projection && setup.projection !== after.projectionKind && !(setup.projection === 'none' && latentDim > 2)) {
    controller.setProjection(setup.projection);
  }
  if (setup.colourBy && setup.colourBy !== after.colourBy.mode) controller.colourBy(setup.colourBy);
  if (setup.ellipses !== undefined) controller.showEllipses(setup.ellipses);
  return 'applied';
}

/** Select a tab of the Applications panel by its name, when the panel is on the page. */
export function selectApplicationsTab(tab: string): boolean {
  const regions = Array.from(document.querySelectorAll<HTMLElement>('section, [role="region"]'));
  const panel = regions.find((element) => accessibleName(element) === 'Applications');
  if (!panel) return false;
  const button = Array.from(panel.querySelectorAll<HTMLElement>('[role="tab"]')).find((element) => element.textContent?.trim() === tab);
  if (!button) return false;
  if (button.getAttribute('aria-selected') !== 'true') button.click();
  return true;
}

function accessibleName(element: HTMLElement): string {
  const label = element.getAttribute('aria-label');
  if (label) return label.trim();
  const by = element.getAttribute('aria-labelledby');
  if (!by) return '';
  return by
    .split(/\s+/)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ')
    .trim();
}
