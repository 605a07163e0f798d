// Features: the codes as inputs to another model. A softmax-regression probe learns the labels
// from the training images' codes, from their raw pixels, and from PCA of the pixels with as many
// components as the code; held-out accuracy says how much class information each keeps in a
// linearly readable form. The codes can be exported as CSV for use elsewhere.
import { useEffect, useState } from 'react';
import { codesCsv } from '../../analysis/codesCsv';
import { studyClient } from '../../analysis/studyClient';
import type { FeaturesResult } from '../../analysis/studyProtocol';
import { useAppState, useController } from '../controllerContext';
import { formatPercent } from '../format';
import { useApplications } from './applicationsContext';
import { Figure } from './Figure';
import { useMeasureTick } from './useMeasureTick';

function ConfusionTable({ result, classNames }: { result: FeaturesResult; classNames: readonly string[] }) {
  const count = result.classCount;
  const names = Array.from({ length: count }, (_, i) => classNames[i] ?? String(i));
  const rowTotals = names.map((_, t) => {
    let sum = 0;
    for (let p = 0; p < count; p++) sum += result.codes.confusion[t * count + p];
    return sum;
  });
  return (
    <table className="confusion" aria-label="Confusion matrix of the code probe">
      <caption>Confusion matrix of the code probe (rows: true class, columns: predicted)</caption>
      <thead>
        <tr>
          <th scope="col">true \ predicted</th>
          {names.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {names.map((name, t) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            {names.map((_, p) => {
              const value = result.codes.confusion[t * count + p];
              const share = rowTotals[t] > 0 ? value / rowTotals[t] : 0;
              // Shade by the share of the row: the diagonal is what the probe gets right.
              const colour = t === p ? `rgba(46, 133, 64, ${0.1 + 0.6 * share})` : `rgba(225, 87, 89, ${0.7 * share})`;
              return (
                <td key={p} style={{ background: value > 0 ? colour : undefined }}>
                  {value}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FeaturesTab() {
  const tick = useMeasureTick();
  const { measureModel } = useApplications();
  const controller = useController();
  const dataset = useAppState((state) => state.dataset);
  const hasCodes = useAppState((state) => state.latents !== null);
  const [result, setResult] = useState<FeaturesResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    void (async () => {
      // Marked busy from a promise callback, not synchronously in the effect.
      await Promise.resolve();
      if (current) setBusy(true);
      try {
        const model = await measureModel();
        const latents = model.latents;
        if (!latents || latents.latentDim !== model.config.spec.latentDim) throw new Error('The model has no codes yet; train or press Measure.');
        const client = studyClient();
        client.useDataset(model.dataset, model.dataset);
        const answer = await client.run({ kind: 'features', codes: latents.codes.slice(), latentDim: latents.latentDim, seed: model.config.training.seed });
        if (!current) return;
        setResult(answer);
        setError(null);
      } catch (problem) {
        if (current) setError(problem instanceof Error ? problem.message : String(problem));
      } finally {
        if (current) setBusy(false);
      }
    })();
    return () => {
      current = false;
    };
  }, [tick, measureModel]);

  const exportCodes = () => {
    const state = controller.store.getState();
    const { latents, map } = state;
    const data = state.dataset;
    if (!latents || !data) return;
    const csv = codesCsv({
      codes: latents.codes,
      latentDim: latents.latentDim,
      labels: data.labels,
      classNames: data.classNames,
      heldOut: data.split.heldOut,
      mapPoints: map && map.count === data.count ? map.points : null,
    });
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `latent-codes-${latents.latentDim}d-step-${latents.globalStep}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked after the click has been handled, so the download has started.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const percent = (value: number | undefined) => (value === undefined ? undefined : formatPercent(value));
  return (
    <div className="app-tab features-tab">
      <p className="app-note">
        A softmax-regression probe (seeded, trained off the page) learns the labels from three inputs of the training images and is
        judged on the held-out images. Codes that beat PCA of the same size hold the classes in a way a linear model can read.
      </p>
      <div className="app-tab-controls">
        <button type="button" disabled={!hasCodes} onClick={exportCodes}>
          Export codes
        </button>
        <span className="hint" aria-live="polite">
          {busy ? 'Training the probes…' : result ? `Trained on ${result.trainCount.toLocaleString('en-US')} images, judged on ${result.testCount.toLocaleString('en-US')} held out.` : ''}
        </span>
      </div>
      {error && <p className="app-error" role="alert">{error}</p>}
      <div className="app-figures">
        <Figure
          label="Probe accuracy on codes"
          value={result?.codes.accuracy ?? null}
          text={percent(result?.codes.accuracy)}
          detail={result ? `${result.codes.features} value${result.codes.features === 1 ? '' : 's'} per image` : undefined}
        />
        <Figure
          label="Probe accuracy on pixels"
          value={result?.pixels.accuracy ?? null}
          text={percent(result?.pixels.accuracy)}
          detail={result ? `${result.pixels.features.toLocaleString('en-US')} pixels per image` : undefined}
        />
        <Figure
          label="Probe accuracy on PCA"
          value={result?.pca.accuracy ?? null}
          text={percent(result?.pca.accuracy)}
          detail={result ? `${result.pca.features} components, ${formatPercent(result.pca.explained)} of the pixel variance` : undefined}
        />
      </div>
      {result && dataset && <ConfusionTable result={result} classNames={dataset.classNames} />}
    </div>
  );
}
