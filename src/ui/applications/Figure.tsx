// One measured figure: a label and an <output> whose accessible name is the label and whose
// `data-value` holds the raw number (empty until measured), for readers, tests and screenshots.
import { useId, type ReactNode } from 'react';

export function Figure({ label, value, text, detail }: { label: string; value: number | null; text?: string; detail?: ReactNode }) {
  const id = useId();
  const shown = value === null || !Number.isFinite(value) ? '—' : (text ?? String(value));
  return (
    <div className="app-figure">
      <span id={id} className="app-figure-label">
        {label}
      </span>
      <output aria-labelledby={id} data-value={value === null || Number.isNaN(value) ? '' : String(value)} className="app-figure-value">
        {shown}
      </output>
      {detail && <span className="app-figure-detail">{detail}</span>}
    </div>
  );
}
