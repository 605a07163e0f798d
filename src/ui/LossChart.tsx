// Loss per epoch, drawn by the plain d3 renderer in viz/: the total on the training and held-out
// images, and, for kinds with a penalty, each term of the training loss on its own.
import { useEffect, useMemo, useRef } from 'react';
import { renderLossChart, type LossSeries } from '../viz/lossChart';
import { useAppState } from './controllerContext';
import { formatLoss } from './format';
import { TERM_LABELS } from './kindFormulas';

const SIZE = { width: 440, height: 260 };
const TERM_COLOURS: Record<string, string> = {
  reconstruction: '#59a14f',
  kl: '#b07aa1',
  sparsity: '#f28e2b',
  contractive: '#9c755f',
};

export function LossChart() {
  const svgRef = useRef<SVGSVGElement>(null);
  const losses = useAppState((state) => state.losses);
  const lossKind = useAppState((state) => state.applied?.spec.loss ?? 'bce');
  const series = useMemo<LossSeries[]>(() => {
    const termNames = Object.keys(losses[0]?.trainTerms ?? {}).filter((name) => name !== 'total');
    const withPenalties = termNames.length > 1;
    const list: LossSeries[] = [
      { name: withPenalties ? 'total, training' : 'training', color: '#4e79a7', points: losses.map((p) => ({ epoch: p.epoch, value: p.train })) },
      { name: withPenalties ? 'total, held-out' : 'held-out', color: '#e15759', points: losses.map((p) => ({ epoch: p.epoch, value: p.heldOut })) },
    ];
    if (withPenalties) {
      for (const name of termNames) {
        list.push({
          name: TERM_LABELS[name] ?? name,
          color: TERM_COLOURS[name] ?? '#76b7b2',
          points: losses.map((p) => ({ epoch: p.epoch, value: p.trainTerms?.[name] ?? Number.NaN })),
        });
      }
    }
    return list;
  }, [losses]);
  useEffect(() => {
    if (svgRef.current) renderLossChart(svgRef.current, series, SIZE);
  }, [series]);
  const last = losses.at(-1);
  return (
    <section className="panel loss" aria-labelledby="loss-title">
      <h2 id="loss-title">
        Loss per epoch <span className="subtle">({lossKind === 'bce' ? 'cross-entropy' : 'squared error'})</span>
      </h2>
      <svg ref={svgRef} width={SIZE.width} height={SIZE.height} viewBox={`0 0 ${SIZE.width} ${SIZE.height}`} role="img" aria-label="Loss chart" />
      <p className="loss-figures">
        {last ? `Epoch ${last.epoch}: training ${formatLoss(last.train)}, held-out ${formatLoss(last.heldOut)}` : 'Losses appear after the first epoch.'}
      </p>
    </section>
  );
}
