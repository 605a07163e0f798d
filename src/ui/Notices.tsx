// Messages the user should read: backend fallbacks, refused settings, failed loads.
// The list itself is not a live region: an error is an alert (read at once), and every other
// notice is read once, politely, by the Announcer. A live list would read each notice twice.
import { useAppState, useController } from './controllerContext';

export function Notices() {
  const controller = useController();
  const notices = useAppState((state) => state.notices);
  if (notices.length === 0) return null;
  return (
    <ul className="notices">
      {notices.map((notice) => (
        <li key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : undefined}>
          <span>{notice.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => controller.dismissNotice(notice.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
