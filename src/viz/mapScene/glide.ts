// The map's glides: points slide from their drawn places to a new snapshot's, and the axes'
// domain eases to a new one, so a training update moves the map instead of making it jump.
import { interpolateDomain, nextDomain, type Domain } from '../stableDomain';

export function easeOut(t: number): number {
  const clamped = Math.min(1, Math.max(0, t));
  return 1 - (1 - clamped) ** 3;
}

/** Points (x, y interleaved) gliding from where they were drawn to their newest places. */
export class PointGlide {
  private from: Float32Array = new Float32Array(0);
  private drawn: Float32Array = new Float32Array(0);
  private movedAt = 0;
  /** The newest snapshot's points: where the glide ends. */
  target: Float32Array = new Float32Array(0);

  constructor(private readonly durationMs: number) {}

  /** Glides to `points` from the drawn places, or starts there when the count changed or the map jumped. */
  retarget(points: Float32Array, jump: boolean, now: number): void {
    const sameCount = this.target.length === points.length && !jump;
    this.from = sameCount ? this.drawn.slice() : points;
    this.target = points;
    if (this.drawn.length !== points.length) this.drawn = new Float32Array(points.length);
    this.movedAt = now;
  }

  /** No points at all (no map yet). */
  clear(): void {
    this.target = new Float32Array(0);
    this.drawn = new Float32Array(0);
  }

  moving(now: number): boolean {
    return this.target.length > 0 && now - this.movedAt < this.durationMs;
  }

  /** The points' places at `now` (the same array each call, rewritten). */
  pointsAt(now: number): Float32Array {
    const { from, target, drawn } = this;
    const t = this.moving(now) ? easeOut((now - this.movedAt) / this.durationMs) : 1;
    const gliding = from.length === target.length;
    for (let i = 0; i < target.length; i++) drawn[i] = gliding ? from[i] + (target[i] - from[i]) * t : target[i];
    return drawn;
  }
}

/** The axes' domain, easing from the one shown to a new stable domain when the points outgrow it. */
export class DomainGlide {
  private from: Domain | null = null;
  private changedAt = 0;
  /** The domain the glide ends at; null before the first points. */
  target: Domain | null = null;

  constructor(private readonly durationMs: number) {}

  follow(points: Float32Array, count: number, now: number): void {
    const next = nextDomain(this.target, points, count);
    if (next === this.target) return;
    this.from = this.target ? this.at(now) : null;
    this.target = next;
    this.changedAt = now;
  }

  /** True until the frame after the glide ends (that frame draws the final domain). */
  animating(): boolean {
    return this.from !== null;
  }

  at(now: number): Domain {
    if (!this.target) return { x: [-1, 1], y: [-1, 1] };
    if (!this.from) return this.target;
    const t = (now - this.changedAt) / this.durationMs;
    if (t >= 1) {
      this.from = null;
      return this.target;
    }
    return interpolateDomain(this.from, this.target, easeOut(t));
  }

  reset(): void {
    this.target = null;
    this.from = null;
  }
}
