// The loss-per-epoch chart: plain d3 into a given <svg>, one line with dots per series. Calling it
// again with new data updates the same elements, so React can call it on every epoch. Text is
// large because the chart is often read off a projector.
import { axisBottom, axisLeft, line, nice, scaleLinear, select, type Selection } from 'd3';

export interface LossPoint {
  epoch: number;
  value: number;
}

export interface LossSeries {
  /** Shown in the legend and used as the key that matches series between updates. */
  name: string;
  /** Any CSS colour. */
  color: string;
  points: LossPoint[];
}

export interface ChartSize {
  /** CSS pixels. */
  width: number;
  height: number;
}

export interface LossChartDomains {
  epoch: [number, number];
  loss: [number, number];
}

const FONT_SIZE = 16;
const MARGIN = { top: 16, right: 20, bottom: 56, left: 84 };
const DOT_RADIUS = 4;
const LEGEND_ROW = 24;

/**
 * Axis domains for the series: all epochs, and the finite losses padded a little and rounded.
 * The loss axis starts at 0 only when the padding would cross it, so late, small improvements stay visible.
 */
export function lossChartDomains(series: readonly LossSeries[]): LossChartDomains {
  let minEpoch = Infinity;
  let maxEpoch = -Infinity;
  let minLoss = Infinity;
  let maxLoss = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.epoch) || !Number.isFinite(p.value)) continue;
      minEpoch = Math.min(minEpoch, p.epoch);
      maxEpoch = Math.max(maxEpoch, p.epoch);
      minLoss = Math.min(minLoss, p.value);
      maxLoss = Math.max(maxLoss, p.value);
    }
  }
  if (minEpoch > maxEpoch) return { epoch: [0, 1], loss: [0, 1] };

  const epoch: [number, number] =
    minEpoch < maxEpoch ? [minEpoch, maxEpoch] : [minEpoch >= 0 ? Math.max(0, minEpoch - 1) : minEpoch - 1, maxEpoch + 1];

  const room = minLoss < maxLoss ? (maxLoss - minLoss) * 0.05 : Math.max(Math.abs(minLoss) * 0.1, 1e-3);
  let low = minLoss - room;
  if (minLoss >= 0 && low < 0) low = 0;
  const loss = nice(low, maxLoss + room, 6);
  return { epoch, loss };
}

/** Draws or updates the chart inside `svg`. */
export function renderLossChart(svg: SVGSVGElement, series: readonly LossSeries[], size: ChartSize): void {
  const width = Math.max(size.width, MARGIN.left + MARGIN.right + 1);
  const height = Math.max(size.height, MARGIN.top + MARGIN.bottom + 1);
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const domains = lossChartDomains(series);
  const x = scaleLinear().domain(domains.epoch).range([0, plotWidth]);
  const y = scaleLinear().domain(domains.loss).range([plotHeight, 0]);

  const root = select(svg)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('font-family', 'system-ui, sans-serif')
    .attr('font-size', FONT_SIZE);
  const frame = child(root, 'g', 'loss-chart').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);

  // Epochs are whole numbers: only whole ticks, and no more than there are epochs.
  const epochTicks = x.ticks(Math.min(8, Math.max(1, domains.epoch[1] - domains.epoch[0]))).filter(Number.isInteger);
  child(frame, 'g', 'x-axis')
    .attr('transform', `translate(0,${plotHeight})`)
    .call(axisBottom(x).tickValues(epochTicks).tickFormat((d) => String(d)))
    .attr('font-size', null)
    .attr('font-family', null);
  child(frame, 'g', 'y-axis')
    .call(axisLeft(y).ticks(Math.max(2, Math.floor(plotHeight / 50))))
    .attr('font-size', null)
    .attr('font-family', null);

  child(frame, 'text', 'x-label')
    .attr('x', plotWidth / 2)
    .attr('y', plotHeight + 46)
    .attr('text-anchor', 'middle')
    .attr('fill', 'currentColor')
    .text('Epoch');
  child(frame, 'text', 'y-label')
    .attr('transform', `translate(${-MARGIN.left + 20},${plotHeight / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('fill', 'currentColor')
    .text('Loss');

  const path = line<LossPoint>()
    .defined((p) => Number.isFinite(p.value) && Number.isFinite(p.epoch))
    .x((p) => x(p.epoch))
    .y((p) => y(p.value));

  const groups = child(frame, 'g', 'series-layer')
    .selectAll<SVGGElement, LossSeries>('g.series')
    .data(series, (s) => s.name)
    .join('g')
    .attr('class', 'series')
    // Dots inherit the series colour; the line sets its own stroke and no fill.
    .attr('fill', (s) => s.color);
  groups
    .selectAll<SVGPathElement, LossSeries>('path.line')
    .data((s) => [s])
    .join('path')
    .attr('class', 'line')
    .attr('fill', 'none')
    .attr('stroke', (s) => s.color)
    .attr('stroke-width', 2.5)
    .attr('d', (s) => path(s.points) ?? '');
  groups
    .selectAll<SVGCircleElement, LossPoint>('circle')
    .data((s) => s.points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.epoch)))
    .join('circle')
    .attr('r', DOT_RADIUS)
    .attr('cx', (p) => x(p.epoch))
    .attr('cy', (p) => y(p.value));

  // Legend in the top-right corner, where falling loss curves leave room.
  const entries = child(frame, 'g', 'legend')
    .attr('transform', `translate(${plotWidth - 8},8)`)
    .selectAll<SVGGElement, LossSeries>('g.entry')
    .data(series, (s) => s.name)
    .join('g')
    .attr('class', 'entry')
    .attr('transform', (_, i) => `translate(0,${i * LEGEND_ROW})`);
  entries
    .selectAll<SVGLineElement, LossSeries>('line')
    .data((s) => [s])
    .join('line')
    .attr('x1', -24)
    .attr('x2', 0)
    .attr('y1', 0)
    .attr('y2', 0)
    .attr('stroke', (s) => s.color)
    .attr('stroke-width', 3);
  entries
    .selectAll<SVGTextElement, LossSeries>('text')
    .data((s) => [s])
    .join('text')
    .attr('x', -32)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('fill', 'currentColor')
    .text((s) => s.name);
}

/** The single child `tag.className` of `parent`, created on the first call and reused after. */
function child<P extends Element, K extends keyof SVGElementTagNameMap>(
  parent: Selection<P, unknown, null, undefined>,
  tag: K,
  className: string,
): Selection<SVGElementTagNameMap[K], unknown, null, undefined> {
  return parent
    .selectChildren<SVGElementTagNameMap[K], unknown>(`${tag}.${className}`)
    .data([null])
    .join(tag)
    .attr('class', className) as unknown as Selection<SVGElementTagNameMap[K], unknown, null, undefined>;
}
