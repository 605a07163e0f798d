// Messages the user should read: backend fallbacks, refused settings, failed loads.
import { useAppState, useController } from './controllerContext';

export function Notices() {
  const controller = useController();
  const notices = useAppState((state) => state.notices);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" aria-live="polite">
      {notices.map((notice) => (
        <li key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => controller.dismissNotice(notice.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
