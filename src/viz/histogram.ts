// A histogram drawn with d3 into a given <svg>, with optional marker lines (a mean, a target).
// Idempotent like the loss chart: calling it again updates the same elements.
import { axisBottom, axisLeft, bin, max, scaleLinear, select } from 'd3';

export interface HistogramMarker {
  value: number;
  label: string;
  color: string;
}

const MARGIN = { top: 24, right: 16, bottom: 40, left: 56 };

export function renderHistogram(
  svg: SVGSVGElement,
  values: Float32Array,
  size: { width: number; height: number },
  markers: HistogramMarker[] = [],
  binCount = 30,
): void {
  const finite = Array.from(values).filter(Number.isFinite);
  const lo = Math.min(0, ...markers.map((m) => m.value), finite.length ? Math.min(...finite) : 0);
  const hi = Math.max(1e-6, ...markers.map((m) => m.value), finite.length ? Math.max(...finite) : 1);
  const x = scaleLinear().domain([lo, hi]).nice().range([MARGIN.left, size.width - MARGIN.right]);
  const bins = bin().domain(x.domain() as [number, number]).thresholds(x.ticks(binCount))(finite);
  const y = scaleLinear()
    .domain([0, max(bins, (b) => b.length / Math.max(1, finite.length)) ?? 1])
    .nice()
    .range([size.height - MARGIN.bottom, MARGIN.top]);
  const root = select(svg);
  root
    .selectAll('rect.bar')
    .data(bins)
    .join('rect')
    .attr('class', 'bar')
    .attr('x', (b) => x(b.x0 ?? 0) + 1)
    .attr('width', (b) => Math.max(0, x(b.x1 ?? 0) - x(b.x0 ?? 0) - 1))
    .attr('y', (b) => y(b.length / Math.max(1, finite.length)))
    .attr('height', (b) => y(0) - y(b.length / Math.max(1, finite.length)))
    .attr('fill', '#76a5c9');
  root
    .selectAll<SVGGElement, null>('g.x-axis')
    .data([null])
    .join('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${size.height - MARGIN.bottom})`)
    .call(axisBottom(x).ticks(6));
  root
    .selectAll<SVGGElement, null>('g.y-axis')
    .data([null])
    .join('g')
    .attr('class', 'y-axis')
    .attr('transform', `translate(${MARGIN.left},0)`)
    .call(axisLeft(y).ticks(4, '%'));
  const marks = root
    .selectAll<SVGGElement, HistogramMarker>('g.marker')
    .data(markers, (m) => m.label)
    .join((enter) => {
      const group = enter.append('g').attr('class', 'marker');
      group.append('line');
      group.append('text');
      return group;
    });
  marks
    .select('line')
    .attr('x1', (m) => x(m.value))
    .attr('x2', (m) => x(m.value))
    .attr('y1', MARGIN.top - 4)
    .attr('y2', size.height - MARGIN.bottom)
    .attr('stroke', (m) => m.color)
    .attr('stroke-width', 2.5)
    .attr('stroke-dasharray', '6 4');
  marks
    .select('text')
    .attr('x', (m) => x(m.value) + 4)
    .attr('y', (_, i) => MARGIN.top + 4 + i * 16)
    .attr('fill', (m) => m.color)
    .attr('font-size', 14)
    .text((m) => m.label);
}
