// The page's keyboard shortcuts. They never fire while typing in a field or on a control whose
// own keys they would steal (the probe and sliders use the arrows, a focused button uses Space).
import type { AppController } from '../../state/controller';
import { moveInLesson } from '../lesson/navigation';
import { trainedSteps } from '../lesson/applyStep';
import { askToDiscard } from './confirm';

export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'Space', what: 'Train, or pause while training' },
  { keys: 'S', what: 'One training step' },
  { keys: 'R', what: 'Reset: a fresh model (asks before discarding a trained one)' },
  { keys: 'P', what: 'Presenter mode on or off' },
  { keys: '→ / ←', what: 'Next / previous lesson step (with the lesson open)' },
  { keys: '?', what: 'This list' },
];

/** True when the key belongs to the focused element, not to the page. */
function ownedByTarget(event: KeyboardEvent): boolean {
  const target = event.target instanceof HTMLElement ? event.target : null;
  if (!target) return false;
  if (target.closest('dialog[open]')) return true;
  if (target.isContentEditable || target.matches('input, select, textarea')) return true;
  const role = target.getAttribute('role');
  if (role === 'slider' || role === 'tab' || role === 'spinbutton') return true;
  if (event.key === ' ' && target.matches('button, a, summary, [role="button"], [role="checkbox"]')) return true;
  return false;
}

export async function resetAsking(controller: AppController): Promise<void> {
  const steps = trainedSteps(controller);
  if (steps > 0 && !(await askToDiscard(steps, 'Reset starts again from a fresh model.'))) return;
  controller.reset();
}

/** Handle one keydown; returns true when it was a shortcut. */
export function handleShortcut(event: KeyboardEvent, controller: AppController, openHelp: () => void): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || ownedByTarget(event)) return false;
  const state = controller.store.getState();
  const ready = state.dataset !== null && state.status !== 'preparing';
  switch (event.key) {
    case ' ':
      // Train or Resume; a finished model starts again with the settings in the form, as Train does.
      if (state.status === 'training') controller.pause();
      else if (ready) controller.train();
      return true;
    case 's':
    case 'S':
      if (ready && state.status !== 'done') controller.step();
      return true;
    case 'r':
    case 'R':
      if (ready) void resetAsking(controller);
      return true;
    case 'p':
    case 'P':
      controller.setClassroom({ presenter: !state.classroom.presenter });
      return true;
    case '?':
      openHelp();
      return true;
    case 'ArrowRight':
    case 'ArrowLeft':
      if (state.classroom.lessonStep === null) return false;
      moveInLesson(controller, event.key === 'ArrowRight' ? 1 : -1);
      return true;
    default:
      return false;
  }
}
