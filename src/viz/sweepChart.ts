// The bottleneck sweep chart: training and held-out error (left axis) and the code probe's accuracy
// (right axis) against latent size on a log axis, with shaded bands where the sweep's verdict says
// the code is too small or too large. Plain d3 into a given <svg>, redrawn whole on each call.
import { axisBottom, axisLeft, axisRight, line, scaleLinear, scaleLog, select } from 'd3';

export interface SweepChartPoint {
  latentDim: number;
  trainError: number;
  heldOutError: number;
  probeAccuracy: number;
}

export interface SweepChartInput {
  /** Every size the sweep will train, so the axis holds still while points arrive. */
  sizes: readonly number[];
  points: readonly SweepChartPoint[];
  tooSmall: readonly number[];
  tooLarge: readonly number[];
  /** Axis title of the errors, e.g. "Error (cross-entropy)". */
  errorTitle: string;
}

export const SWEEP_COLOURS = { train: '#4e79a7', heldOut: '#e15759', probe: '#59a14f', tooSmall: '#f3e3c3', tooLarge: '#e6dcef' };

const FONT_SIZE = 15;
const MARGIN = { top: 34, right: 70, bottom: 84, left: 78 };

/** The band edges around marked sizes: half-way (on the log axis) to the neighbouring sizes. */
export function bandExtent(sizes: readonly number[], marked: readonly number[]): [number, number] | null {
  if (marked.length === 0) return null;
  const sorted = [...sizes].sort((a, b) => a - b);
  const low = Math.min(...marked);
  const high = Math.max(...marked);
  const below = sorted.filter((s) => s < low).at(-1);
  const above = sorted.find((s) => s > high);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const start = below === undefined ? first / Math.SQRT2 : Math.sqrt(below * low);
  const end = above === undefined ? last * Math.SQRT2 : Math.sqrt(high * above);
  return [start, end];
}

export function renderSweepChart(svg: SVGSVGElement, input: SweepChartInput, size: { width: number; height: number }): void {
  const root = select(svg);
  root.selectAll('*').remove();
  const { width, height } = size;
  const sizes = [...input.sizes].sort((a, b) => a - b);
  const x = scaleLog()
    .base(2)
    .domain([sizes[0] / Math.SQRT2, sizes[sizes.length - 1] * Math.SQRT2])
    .range([MARGIN.left, width - MARGIN.right]);
  const errors = input.points.flatMap((p) => [p.trainError, p.heldOutError]).filter(Number.isFinite);
  const top = errors.length > 0 ? Math.max(...errors) * 1.1 : 1;
  const yError = scaleLinear().domain([0, top]).nice().range([height - MARGIN.bottom, MARGIN.top]);
  const yAccuracy = scaleLinear().domain([0, 1]).range([height - MARGIN.bottom, MARGIN.top]);

  const bands: { marked: readonly number[]; colour: string; text: string; cls: string }[] = [
    { marked: input.tooSmall, colour: SWEEP_COLOURS.tooSmall, text: 'too small: information lost', cls: 'sweep-band-small' },
    { marked: input.tooLarge, colour: SWEEP_COLOURS.tooLarge, text: 'too large: memorises', cls: 'sweep-band-large' },
  ];
  for (const band of bands) {
    const extent = bandExtent(sizes, band.marked);
    if (!extent) continue;
    const [left, right] = [x(extent[0]), x(extent[1])];
    root.append('rect').attr('class', band.cls).attr('x', left).attr('y', MARGIN.top).attr('width', right - left).attr('height', height - MARGIN.top - MARGIN.bottom).attr('fill', band.colour);
    root.append('text').attr('class', `${band.cls}-label`).attr('x', (left + right) / 2).attr('y', MARGIN.top - 10).attr('text-anchor', 'middle').attr('font-size', FONT_SIZE).attr('fill', '#333').text(band.text);
  }

  const bottom = axisBottom(x).tickValues(sizes).tickFormat((value) => String(value));
  root.append('g').attr('transform', `translate(0,${height - MARGIN.bottom})`).call(bottom).attr('font-size', FONT_SIZE);
  root.append('g').attr('transform', `translate(${MARGIN.left},0)`).call(axisLeft(yError).ticks(5)).attr('font-size', FONT_SIZE);
  root.append('g').attr('transform', `translate(${width - MARGIN.right},0)`).call(axisRight(yAccuracy).ticks(5).tickFormat((v) => `${Math.round(Number(v) * 100)}%`)).attr('font-size', FONT_SIZE);
  root.append('text').attr('x', (MARGIN.left + width - MARGIN.right) / 2).attr('y', height - MARGIN.bottom + 42).attr('text-anchor', 'middle').attr('font-size', FONT_SIZE).text('Latent size (values per code, log scale)');
  root.append('text').attr('transform', `translate(18,${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)`).attr('text-anchor', 'middle').attr('font-size', FONT_SIZE).text(input.errorTitle);
  root.append('text').attr('transform', `translate(${width - 14},${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(90)`).attr('text-anchor', 'middle').attr('font-size', FONT_SIZE).text('Code probe accuracy');

  const points = [...input.points].sort((a, b) => a.latentDim - b.latentDim);
  const series = [
    { key: 'train', colour: SWEEP_COLOURS.train, value: (p: SweepChartPoint) => yError(p.trainError), dash: null },
    { key: 'heldout', colour: SWEEP_COLOURS.heldOut, value: (p: SweepChartPoint) => yError(p.heldOutError), dash: null },
    { key: 'probe', colour: SWEEP_COLOURS.probe, value: (p: SweepChartPoint) => yAccuracy(p.probeAccuracy), dash: '6 4' },
  ];
  for (const s of series) {
    const valid = points.filter((p) => Number.isFinite(s.value(p)));
    const path = line<SweepChartPoint>().x((p) => x(p.latentDim)).y(s.value);
    root.append('path').attr('d', path(valid) ?? '').attr('fill', 'none').attr('stroke', s.colour).attr('stroke-width', 3).attr('stroke-dasharray', s.dash);
    root
      .selectAll(`circle.sweep-dot-${s.key}`)
      .data(valid)
      .join('circle')
      .attr('class', `sweep-dot sweep-dot-${s.key}`)
      .attr('data-latent', (p) => p.latentDim)
      .attr('cx', (p) => x(p.latentDim))
      .attr('cy', s.value)
      .attr('r', 5)
      .attr('fill', s.colour);
  }

  const legend = [
    { text: 'training error', colour: SWEEP_COLOURS.train },
    { text: 'held-out error', colour: SWEEP_COLOURS.heldOut },
    { text: 'code probe accuracy', colour: SWEEP_COLOURS.probe },
  ];
  legend.forEach((item, i) => {
    const left = MARGIN.left + i * 190;
    const y = height - 16;
    root.append('rect').attr('x', left).attr('y', y - 10).attr('width', 22).attr('height', 6).attr('fill', item.colour);
    root.append('text').attr('x', left + 30).attr('y', y - 2).attr('font-size', FONT_SIZE).text(item.text);
  });
}
