// A virtual X display for a headed Firefox: headless Firefox gives no WebGL 2 context, but headed
// under Xvfb it draws through Mesa's software rasteriser (llvmpipe) and WebGL 2 works. Xvfb is
// Debian's `xvfb` package; .ci/run installs it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { poll } from '../shared/poll.mjs';

export const XVFB_PATH = '/usr/bin/Xvfb';

/** Whether Xvfb is installed here. */
export function hasXvfb() {
  return existsSync(XVFB_PATH);
}

/**
 * Starts Xvfb on a free display number; resolves once its socket is there.
 * @returns {Promise<{ display: string, stop: () => void }>}
 */
export async function startXvfb() {
  // Display numbers from 90 up: the X server refuses one in use (its lock file), so try the next.
  for (let number = 90 + (process.pid % 50); number < 200; number++) {
    if (existsSync(`/tmp/.X${number}-lock`)) continue;
    const server = spawn(XVFB_PATH, [`:${number}`, '-screen', '0', '1440x960x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    let exited = false;
    server.on('exit', () => {
      exited = true;
    });
    try {
      await poll(() => exited || existsSync(`/tmp/.X11-unix/X${number}`), { message: `Xvfb starts on :${number}`, timeout: 15_000, interval: 50 });
    } catch (error) {
      server.kill();
      throw error;
    }
    if (exited) continue;
    return { display: `:${number}`, stop: () => server.kill() };
  }
  throw new Error('Xvfb found no free display number');
}
