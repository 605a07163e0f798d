// Our own accessible confirm dialog (a native modal <dialog>: focus moves in, Escape cancels), asked
// before anything discards a trained model. `askToConfirm` resolves true only on the confirm button.
import { useEffect, useRef, useSyncExternalStore } from 'react';

interface Question {
  title: string;
  text: string;
  confirm: string;
  cancel: string;
  answer: (yes: boolean) => void;
}

let current: Question | null = null;
const listeners = new Set<() => void>();
function setCurrent(next: Question | null): void {
  current = next;
  for (const listener of listeners) listener();
}

export function askToConfirm(question: Omit<Question, 'answer'>): Promise<boolean> {
  current?.answer(false); // a newer question replaces an unanswered one
  return new Promise((resolve) => {
    setCurrent({
      ...question,
      answer: (yes) => {
        setCurrent(null);
        resolve(yes);
      },
    });
  });
}

/** Asks before discarding `steps` steps of training; resolves true to go on. */
export function askToDiscard(steps: number, why: string): Promise<boolean> {
  return askToConfirm({
    title: 'Discard the trained model?',
    text: `${why} The model trained for ${steps.toLocaleString('en-US')} ${steps === 1 ? 'step' : 'steps'} will be discarded.`,
    confirm: 'Discard and go on',
    cancel: 'Keep my model',
  });
}

export function ConfirmHost() {
  const question = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
  const dialogRef = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (question && !dialog.open) dialog.showModal();
    if (!question && dialog.open) dialog.close();
  }, [question]);
  return (
    <dialog
      ref={dialogRef}
      className="classroom-dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-text"
      onCancel={(event) => {
        event.preventDefault();
        question?.answer(false);
      }}
    >
      {question ? (
        <>
          <h2 id="confirm-title">{question.title}</h2>
          <p id="confirm-text">{question.text}</p>
          <div className="dialog-buttons">
            <button type="button" autoFocus onClick={() => question.answer(false)}>
              {question.cancel}
            </button>
            <button type="button" className="primary" onClick={() => question.answer(true)}>
              {question.confirm}
            </button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}
