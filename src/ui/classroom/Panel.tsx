// A panel a link can hide (`hide=...`) and presenter mode can leave out when the step does not need it.
import type { ReactNode } from 'react';
import { PRESENTER_PANELS, type PanelName } from '../../lesson/classroom';
import { LESSON_STEPS } from '../../lesson/steps';
import type { AppState } from '../../state/appState';
import { useAppState } from '../controllerContext';

/**
 * Presenter mode always keeps these, whatever the step: the probe is dragged on every step, and a
 * class must see what it decodes to (the map itself is always on the page).
 */
const ALWAYS_PRESENTED: readonly PanelName[] = ['training', 'decoded'];

/** Whether `name` is shown in this state. */
export function panelShown(state: AppState, name: PanelName): boolean {
  const { hidden, presenter, lessonStep } = state.classroom;
  if (hidden.includes(name)) return false;
  if (!presenter) return true;
  if (ALWAYS_PRESENTED.includes(name)) return true;
  const step = lessonStep === null ? null : LESSON_STEPS[lessonStep];
  return (step?.shows ?? PRESENTER_PANELS).includes(name);
}

/**
 * `only` places a panel in one mode: presenter mode moves some panels where they get more room
 * (the loss chart under the map, so its text is drawn at full size).
 */
export function Panel({ name, only, children }: { name: PanelName; only?: 'presenter' | 'normal'; children: ReactNode }) {
  const shown = useAppState(
    (state) => panelShown(state, name) && (only === undefined || (only === 'presenter') === state.classroom.presenter),
  );
  return shown ? <>{children}</> : null;
}
