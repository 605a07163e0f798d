// The header's classroom controls: Lesson, Presenter mode, Copy link, the colour-blind-safe
// palette and the list of keyboard shortcuts; also owns the shortcuts themselves.
import { useEffect, useRef, useState } from 'react';
import { useAppState, useController } from '../controllerContext';
import { closeLesson, openLesson } from '../lesson/navigation';
import { classroomHash } from './classroomLink';
import { SHORTCUTS, handleShortcut } from './shortcuts';

export function ClassroomBar() {
  const controller = useController();
  const presenter = useAppState((state) => state.classroom.presenter);
  const lessonOpen = useAppState((state) => state.classroom.lessonStep !== null);
  const palette = useAppState((state) => state.classroom.palette);
  const [helpOpen, setHelpOpen] = useState(false);
  const helpRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (handleShortcut(event, controller, () => setHelpOpen(true))) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller]);

  useEffect(() => {
    const dialog = helpRef.current;
    if (!dialog) return;
    if (helpOpen && !dialog.open) dialog.showModal();
    if (!helpOpen && dialog.open) dialog.close();
  }, [helpOpen]);

  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
  }, [presenter]);

  const copyLink = async () => {
    const hash = classroomHash(controller.store.getState());
    window.history.replaceState(null, '', hash || window.location.pathname + window.location.search);
    try {
      await navigator.clipboard.writeText(window.location.href);
      controller.notify('info', 'Link copied. Opening it shows this set-up: settings, data, view and lesson step.');
    } catch {
      controller.notify('info', 'The link is in the address bar; copy it from there (this browser did not allow copying).');
    }
  };

  return (
    <div className="classroom-bar" role="group" aria-label="Classroom">
      <button type="button" aria-pressed={lessonOpen} onClick={() => (lessonOpen ? closeLesson(controller) : void openLesson(controller))}>
        Lesson
      </button>
      <button type="button" aria-pressed={presenter} aria-keyshortcuts="P" onClick={() => controller.setClassroom({ presenter: !presenter })}>
        Presenter mode
      </button>
      <button type="button" className="classroom-optional" onClick={() => void copyLink()}>
        Copy link
      </button>
      <label className="check palette-check classroom-optional">
        <input
          type="checkbox"
          checked={palette === 'colour-blind'}
          onChange={(event) => controller.setClassroom({ palette: event.target.checked ? 'colour-blind' : 'standard' })}
        />
        Colour-blind-safe palette
      </label>
      <button type="button" className="classroom-optional" aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
        Keyboard shortcuts
      </button>
      <dialog ref={helpRef} className="classroom-dialog" aria-labelledby="shortcuts-title" onClose={() => setHelpOpen(false)}>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.keys}>
                <th scope="row">
                  <kbd>{shortcut.keys}</kbd>
                </th>
                <td>{shortcut.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="dialog-note">Tab moves between controls; arrow keys move the probe when it has focus (Shift for bigger steps).</p>
        <div className="dialog-buttons">
          <button type="button" autoFocus onClick={() => setHelpOpen(false)}>
            Close
          </button>
        </div>
      </dialog>
    </div>
  );
}
