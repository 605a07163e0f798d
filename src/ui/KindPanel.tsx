// The chosen autoencoder kind explained: its idea, its objective written out, what it is for, the
// live value of each loss term, and what the bottleneck does to the data.
import { useAppState } from './controllerContext';
import { formatLoss } from './format';
import { KIND_DESCRIPTIONS, TERM_LABELS } from './kindFormulas';

/**
 * Where a long term name may break, with a hyphen, when its column is narrow: in presenter mode's
 * 20 px type the table's narrowest card (the right column at 1920 x 1080 with the lesson open) has
 * no room for "reconstruction" on one line beside the two figures, and the table overflowed its
 * card. Browsers hyphenate English only where they ship a dictionary (not Chromium on Linux), so
 * the break is a soft hyphen.
 */
const BREAKS: Record<string, string> = { reconstruction: 'recon\u00ADstruction' };

function breakable(label: string): string {
  return BREAKS[label] ?? label;
}

export function KindPanel() {
  const spec = useAppState((state) => state.applied?.spec ?? null);
  const batchTerms = useAppState((state) => state.progress?.batchTerms ?? null);
  const lastEpoch = useAppState((state) => state.losses.at(-1) ?? null);
  if (!spec) return null;
  const description = KIND_DESCRIPTIONS[spec.kind];
  const inputSize = spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
  const terms = Object.keys(batchTerms ?? lastEpoch?.trainTerms ?? {});
  return (
    <section className="panel kind-panel" aria-labelledby="kind-title">
      <h2 id="kind-title">{description.title}</h2>
      <p className="kind-idea">{description.idea}</p>
      <p className="formula" aria-label="Objective">
        {description.formula}
      </p>
      {terms.length > 0 ? (
        <table className="terms" aria-label="Loss terms">
          <thead>
            <tr>
              <th scope="col">term</th>
              <th scope="col">this batch</th>
              <th scope="col">last epoch, held-out</th>
            </tr>
          </thead>
          <tbody>
            {terms.map((name) => (
              <tr key={name} className={name === 'total' ? 'total' : undefined}>
                <th scope="row">{breakable(TERM_LABELS[name] ?? name)}</th>
                <td>{formatLoss(batchTerms?.[name] ?? Number.NaN)}</td>
                <td>{formatLoss(lastEpoch?.heldOutTerms?.[name] ?? Number.NaN)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p className="kind-use">
        <strong>Used for:</strong> {description.usedFor}
      </p>
      <p className="bottleneck">
        Bottleneck: {inputSize.toLocaleString('en-US')} pixel values → {spec.latentDim} numbers
        {` (${Math.round(inputSize / spec.latentDim).toLocaleString('en-US')}× smaller). `}Too small a code loses detail
        (blurry reconstructions); too large a one lets the network copy its input instead of learning structure.
      </p>
    </section>
  );
}
