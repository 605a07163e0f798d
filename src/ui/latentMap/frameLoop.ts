// One draw per animation frame, and only when something changed or is still gliding. Between
// changes no frame is asked for at all: an idle map costs the page nothing (a loop that asked for
// every frame and skipped the draw still kept the browser producing 60 frames a second, about a
// tenth of a core on a laptop with nothing on screen moving).
export interface FrameWork {
  /** Takes in whatever changed since the last frame; true when the map must be redrawn. */
  prepare(now: number): boolean;
  /** True while a glide is under way, so every frame draws. */
  animating(now: number): boolean;
  draw(now: number): void;
}

export interface FrameLoop {
  /** Something changed: draw on the next frame. */
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

/**
 * Draws on the next frame after each `invalidate()`, and on every frame while `work.animating`.
 * Every source of change must invalidate (the map subscribes to the store and its gestures call
 * it); `prepare` then takes the change in on the frame that draws it.
 */
export function startFrameLoop(work: FrameWork, clock: FrameClock = animationFrames): FrameLoop {
  let dirty = true;
  let handle: number | null = null;
  let stopped = false;
  const schedule = () => {
    if (handle === null && !stopped) handle = clock.request(tick);
  };
  function tick(now: number) {
    handle = null;
    if (work.prepare(now)) dirty = true;
    if (!dirty && !work.animating(now)) return;
    dirty = false;
    work.draw(now);
    // A glide still under way draws its next frame; a draw that invalidated has scheduled one.
    if (work.animating(now)) schedule();
  }
  schedule();
  return {
    invalidate: () => {
      dirty = true;
      schedule();
    },
    stop: () => {
      stopped = true;
      if (handle !== null) clock.cancel(handle);
      handle = null;
    },
  };
}
