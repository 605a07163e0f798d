// One draw per animation frame, and only when something changed or is still gliding.
export interface FrameWork {
  /** Takes in whatever changed since the last frame; true when the map must be redrawn. */
  prepare(now: number): boolean;
  /** True while a glide is under way, so every frame draws. */
  animating(now: number): boolean;
  draw(now: number): void;
}

export interface FrameLoop {
  /** Draw on the next frame. */
  invalidate(): void;
  stop(): void;
}

export interface FrameClock {
  request(callback: (now: number) => void): number;
  cancel(handle: number): void;
}

const animationFrames: FrameClock = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export function startFrameLoop(work: FrameWork, clock: FrameClock = animationFrames): FrameLoop {
  let dirty = true;
  let handle = 0;
  const tick = (now: number) => {
    handle = clock.request(tick);
    if (work.prepare(now)) dirty = true;
    if (!dirty && !work.animating(now)) return;
    dirty = false;
    work.draw(now);
  };
  handle = clock.request(tick);
  return {
    invalidate: () => {
      dirty = true;
    },
    stop: () => clock.cancel(handle),
  };
}
