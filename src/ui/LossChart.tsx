// Training and held-out loss per epoch, drawn by the plain d3 renderer in viz/.
import { useEffect, useMemo, useRef } from 'react';
import { renderLossChart, type LossSeries } from '../viz/lossChart';
import { useAppState } from './controllerContext';
import { formatLoss } from './format';

const SIZE = { width: 440, height: 250 };

export function LossChart() {
  const svgRef = useRef<SVGSVGElement>(null);
  const losses = useAppState((state) => state.losses);
  const lossKind = useAppState((state) => state.applied?.spec.loss ?? 'bce');
  const series = useMemo<LossSeries[]>(
    () => [
      { name: 'training', color: '#4e79a7', points: losses.map((p) => ({ epoch: p.epoch, value: p.train })) },
      { name: 'held-out', color: '#e15759', points: losses.map((p) => ({ epoch: p.epoch, value: p.heldOut })) },
    ],
    [losses],
  );
  useEffect(() => {
    if (svgRef.current) renderLossChart(svgRef.current, series, SIZE);
  }, [series]);
  const last = losses.at(-1);
  return (
    <section className="panel loss" aria-labelledby="loss-title">
      <h2 id="loss-title">
        Loss per epoch <span className="subtle">({lossKind === 'bce' ? 'binary cross-entropy' : 'mean squared error'})</span>
      </h2>
      <svg ref={svgRef} width={SIZE.width} height={SIZE.height} viewBox={`0 0 ${SIZE.width} ${SIZE.height}`} role="img" aria-label="Loss chart" />
      <p className="loss-figures">
        {last ? `Epoch ${last.epoch}: training ${formatLoss(last.train)}, held-out ${formatLoss(last.heldOut)}` : 'Losses appear after the first epoch.'}
      </p>
    </section>
  );
}
