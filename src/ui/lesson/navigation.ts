// Moving through the lesson: open, next, previous, close. Each move sets the step in the store
// and sets the app up for it; a step whose set-up the user declined is remembered, so the panel
// can offer to set it up later.
import { useSyncExternalStore } from 'react';
import type { AppController } from '../../state/controller';
import { LESSON_STEPS } from '../../lesson/steps';
import { applyStep } from './applyStep';

let declinedStep: number | null = null;
const listeners = new Set<() => void>();
function setDeclined(step: number | null): void {
  declinedStep = step;
  for (const listener of listeners) listener();
}

/** The step whose set-up the user declined (to keep a trained model), or null. */
export function useDeclinedStep(): number | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => declinedStep,
  );
}

export async function goToStep(controller: AppController, index: number): Promise<void> {
  const step = LESSON_STEPS[Math.max(0, Math.min(LESSON_STEPS.length - 1, index))];
  const target = LESSON_STEPS.indexOf(step);
  controller.setClassroom({ lessonStep: target });
  setDeclined(null);
  const result = await applyStep(controller, step);
  // Only if the user is still on that step: a later move has its own answer.
  if (controller.store.getState().classroom.lessonStep === target) setDeclined(result === 'kept' ? target : null);
}

export function openLesson(controller: AppController): Promise<void> {
  return goToStep(controller, controller.store.getState().classroom.lessonStep ?? 0);
}

export function closeLesson(controller: AppController): void {
  setDeclined(null);
  controller.setClassroom({ lessonStep: null });
}

/** Move by `delta` steps; does nothing at either end or when the lesson is closed. */
export function moveInLesson(controller: AppController, delta: number): void {
  const current = controller.store.getState().classroom.lessonStep;
  if (current === null) return;
  const next = current + delta;
  if (next < 0 || next >= LESSON_STEPS.length) return;
  void goToStep(controller, next);
}
