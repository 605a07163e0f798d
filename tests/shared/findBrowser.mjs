// Where a browser suite finds its browser on this machine: never downloaded, always named.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The executable named by the environment variable `envVar` if set (an error if it is not one),
 * else the first of `paths` that is executable, else `command` on the PATH; an error naming
 * `browser` and `hint` where there is none.
 */
export function findBrowser({ envVar, paths, command, browser, hint }) {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`${envVar} is set to ${fromEnv}, which is not an executable file. ${hint}`);
  }
  const found = paths.find(isExecutable);
  if (found) return found;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  throw new Error(`No ${browser} found for the browser tests. ${hint}`);
}
