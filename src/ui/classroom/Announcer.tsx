// Says, politely, what a screen-reader user would otherwise miss: each epoch's end and each notice.
import { useAppState } from '../controllerContext';
import { formatLoss } from '../format';

export function Announcer() {
  const lastEpoch = useAppState((state) => state.losses.at(-1) ?? null);
  const epochs = useAppState((state) => state.applied?.training.epochs ?? 0);
  // Errors are alerts in the notice list already; announcing them here too would read them twice.
  const lastNotice = useAppState((state) => state.notices.filter((notice) => notice.kind !== 'error').at(-1) ?? null);
  return (
    <>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-announces="epoch">
        {lastEpoch ? `Epoch ${lastEpoch.epoch} of ${epochs} done: loss ${formatLoss(lastEpoch.train)}, held-out ${formatLoss(lastEpoch.heldOut)}.` : ''}
      </div>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-announces="notice">
        {lastNotice?.text ?? ''}
      </div>
    </>
  );
}
