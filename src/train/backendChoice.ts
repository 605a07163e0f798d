// The backend decisions that need no session state: the first guess from feature detection, a
// measurement taken in place, and how a background measurement's reports join what this worker saw.
import { usesConvBody, type ExperimentConfig } from '../model/spec';
import { activateBackend, detectBackends, readGraphicsFacts, wasmThreads } from '../backends/activate';
import { backendsNotWorthMeasuring, backendsUnfitFor, guessBackend, type GraphicsFacts } from '../backends/backendGuess';
import { SELF_TEST_ORDER, measureBackends, selfTestConfig, selfTestData, sortFastestFirst } from './selfTest';
import type { TrainerData } from './trainerState';
import type { BackendName, BackendReport } from './protocol';

export interface FirstGuess {
  backend: BackendName;
  reports: BackendReport[];
  /**
   * The backends a measurement would time here (see measureBackends): emulated GPUs are left out,
   * and so is the CPU where WebAssembly runs. When that is the guess alone, timing it tells nothing.
   */
  worthTiming: BackendName[];
}

/** The backend to build on before anything is measured, and the reports to show meanwhile. */
export async function firstGuess(config: ExperimentConfig): Promise<FirstGuess> {
  const facts = await readGraphicsFacts();
  const { missing } = await detectBackends();
  const convolutional = usesConvBody(config.spec);
  const notMeasured = backendsNotWorthMeasuring(facts, { convolutional });
  // A backend that cannot train this kind here is reported unavailable, with why, like a missing one.
  const unfit = backendsUnfitFor(facts, { convolutional });
  const candidates = SELF_TEST_ORDER.filter((name) => facts.available.includes(name) && !notMeasured.has(name) && !unfit.has(name));
  return {
    backend: guessBackend(facts, { convolutional }),
    reports: [
      ...[...missing, ...unfit].map(([name, problem]) => ({ name, works: false, problem })),
      ...facts.available
        .filter((name) => !unfit.has(name))
        .map((name) => {
          const device = deviceName(facts, name);
          return { name, works: true, ...(notMeasured.has(name) ? { problem: notMeasured.get(name) } : {}), ...(device ? { detail: device } : {}) };
        }),
    ],
    worthTiming: candidates.includes('wasm') ? candidates.filter((name) => name !== 'cpu') : candidates,
  };
}

/**
 * Start the likely backend before any data or model arrives (the page is still loading its data
 * then): loading and compiling the WebAssembly module or a GPU context no longer delays Train.
 */
export async function warmUpLikelyBackend(): Promise<void> {
  try {
    await activateBackend(guessBackend(await readGraphicsFacts(), { convolutional: false }));
  } catch {
    // The first real model finds its own backend, with fallbacks and a message if needed.
  }
}

/** Time every backend here and now, on this thread (where no worker can measure beside training). */
export async function measureInPlace(config: ExperimentConfig, data: TrainerData): Promise<BackendReport[]> {
  const { available, missing } = await detectBackends();
  return measureBackends(selfTestConfig(config), selfTestData(data), available, missing, { activate: activateBackend, detail: backendDetail });
}

/** A background measurement's reports, fastest first; a backend that broke here stays broken. */
export function mergeMeasurement(measured: readonly BackendReport[], seenHere: readonly BackendReport[]): BackendReport[] {
  const brokenHere = seenHere.filter((report) => !report.works && !measured.some((m) => m.name === report.name && !m.works));
  // The measuring worker times; the GPU's name, read here from feature detection, stays with its report.
  const named = measured.map((m) => {
    const detail = m.detail ?? seenHere.find((report) => report.name === m.name)?.detail;
    return detail ? { ...m, detail } : m;
  });
  return sortFastestFirst([...named.filter((m) => !brokenHere.some((b) => b.name === m.name)), ...brokenHere]);
}

/** The GPU a GPU backend runs on, as the browser names it (the WebGPU adapter, the WebGL renderer). */
function deviceName(facts: GraphicsFacts, name: BackendName): string | undefined {
  const device = name === 'webgpu' ? facts.webgpuAdapter : name === 'webgl' ? facts.webglRenderer : '';
  return device.trim() || undefined;
}

export function backendDetail(name: BackendName): string | undefined {
  if (name !== 'wasm') return undefined;
  const threads = wasmThreads();
  return threads > 1 ? `${threads} threads` : 'one thread';
}
