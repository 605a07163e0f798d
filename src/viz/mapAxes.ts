// The map's axes, drawn into the `g.axis-x` and `g.axis-y` groups of an SVG overlay, in the shape
// d3's axisBottom / axisLeft draw (a domain path, `g.tick` groups of a line and a label).
// They are redrawn on every frame while the map glides to a new domain. d3's axis rewrote every
// label's text node each time, and the page restyled and laid out hundreds of new text nodes a
// second beside training; here each tick is kept by its value, so a frame only moves ticks, and
// text is written only for a tick that is new.
import type { ScaleLinear } from 'd3';
import type { MapView } from './mapView';

/** Roughly one tick per this many CSS pixels, so labels never crowd at any size. */
const PIXELS_PER_X_TICK = 90;
const PIXELS_PER_Y_TICK = 70;
const TICK_SIZE = 6;
/** Gap between a tick line's end and its label. */
const LABEL_GAP = 3;
const SVG = 'http://www.w3.org/2000/svg';

type Orient = 'bottom' | 'left';

export function drawMapAxes(svg: SVGSVGElement, view: MapView): void {
  const { plotArea } = view;
  const x = svg.querySelector<SVGGElement>('g.axis-x');
  const y = svg.querySelector<SVGGElement>('g.axis-y');
  if (x) {
    setAttribute(x, 'transform', `translate(0,${plotArea.top + plotArea.height})`);
    drawAxis(x, view.xScale, 'bottom', Math.max(2, Math.floor(plotArea.width / PIXELS_PER_X_TICK)));
  }
  if (y) {
    setAttribute(y, 'transform', `translate(${plotArea.left},0)`);
    drawAxis(y, view.yScale, 'left', Math.max(2, Math.floor(plotArea.height / PIXELS_PER_Y_TICK)));
  }
}

function drawAxis(group: SVGGElement, scale: ScaleLinear<number, number>, orient: Orient, count: number): void {
  if (!group.hasAttribute('fill')) {
    group.setAttribute('fill', 'none');
    group.setAttribute('font-size', '10');
    group.setAttribute('font-family', 'sans-serif');
    group.setAttribute('text-anchor', orient === 'bottom' ? 'middle' : 'end');
  }
  // Lines on half pixels are crisp at a device pixel ratio of 1 (as d3 draws them).
  const offset = typeof window !== 'undefined' && window.devicePixelRatio > 1 ? 0 : 0.5;
  const [start, end] = scale.range();
  const domain = domainPath(group);
  setAttribute(domain, 'stroke', 'currentColor');
  setAttribute(
    domain,
    'd',
    orient === 'bottom'
      ? `M${start + offset},${TICK_SIZE}V${offset}H${end + offset}V${TICK_SIZE}`
      : `M${-TICK_SIZE},${start + offset}H${offset}V${end + offset}H${-TICK_SIZE}`,
  );

  const values = scale.ticks(count);
  const format = scale.tickFormat(count);
  const existing = new Map<string, SVGGElement>();
  for (const tick of Array.from(group.querySelectorAll<SVGGElement>(':scope > g.tick'))) existing.set(tick.dataset.value ?? '', tick);
  let previous: Element = domain;
  for (const value of values) {
    // Keyed by value and label: a finer step can print the same value with more digits.
    const label = format(value);
    const key = `${value}|${label}`;
    let tick = existing.get(key);
    existing.delete(key);
    if (!tick) tick = newTick(orient, label);
    const at = scale(value) + offset;
    setAttribute(tick, 'transform', orient === 'bottom' ? `translate(${at},0)` : `translate(0,${at})`);
    tick.dataset.value = key;
    // Ticks in value order, after the domain path, as d3 leaves them.
    if (previous.nextSibling !== tick) previous.after(tick);
    previous = tick;
  }
  for (const gone of existing.values()) gone.remove();
}

function newTick(orient: Orient, label: string): SVGGElement {
  const tick = document.createElementNS(SVG, 'g');
  tick.setAttribute('class', 'tick');
  tick.setAttribute('opacity', '1');
  const line = document.createElementNS(SVG, 'line');
  line.setAttribute('stroke', 'currentColor');
  const text = document.createElementNS(SVG, 'text');
  text.setAttribute('fill', 'currentColor');
  if (orient === 'bottom') {
    line.setAttribute('y2', String(TICK_SIZE));
    text.setAttribute('y', String(TICK_SIZE + LABEL_GAP));
    text.setAttribute('dy', '0.71em');
  } else {
    line.setAttribute('x2', String(-TICK_SIZE));
    text.setAttribute('x', String(-(TICK_SIZE + LABEL_GAP)));
    text.setAttribute('dy', '0.32em');
  }
  text.textContent = label;
  tick.append(line, text);
  return tick;
}

/** The axis line: the group's `path.domain`, made on the first draw. */
function domainPath(group: SVGGElement): SVGPathElement {
  const found = group.querySelector<SVGPathElement>(':scope > path.domain');
  if (found) return found;
  const made = document.createElementNS(SVG, 'path');
  made.setAttribute('class', 'domain');
  group.prepend(made);
  return made;
}

/** Attribute writes invalidate style even when the value is the same: write changes only. */
function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}
