// Which engine trains a model, decided once when the Trainer is built, from the model (what its
// config built), the backend and what is loaded. A new engine adds its entry here.
import { DenseChainEngine } from './denseChainEngine';
import { planDenseChain } from './denseChainPlan';
import { TfjsAutodiffEngine } from './tfjsAutodiffEngine';
import { buildThreadedChainEngine } from './threadedChainEngine';
import type { EngineParts, TrainingEngine } from './trainingEngine';
import { buildWgslEngine } from './wgslEngine';

/** The fastest engine made synchronously that can train `parts.model` on the current backend; tfjs autodiff always can. */
export function pickTrainingEngine(parts: EngineParts): TrainingEngine {
  // Dense chains (basic, sparse, dense denoising) on the wasm backend with the engine's kernels
  // installed and loaded: hand-written gradients in a handful of kernel calls instead of a hundred.
  const plan = planDenseChain(parts.model, parts.variables);
  if (plan?.ready()) return new DenseChainEngine(parts, plan);
  return new TfjsAutodiffEngine(parts);
}

/** What `pickPreparedEngine` found: an engine to take over, or why the one that applies cannot run here. */
export type PreparedEngineOffer = { engine: TrainingEngine } | { unavailable: string };

/**
 * An engine that prepares asynchronously and beats `current` on this backend, loaded with
 * `current`'s weights and Adam state, or null where none applies (the caller keeps `current`).
 * The WGSL step, on WebGPU, for the dense chains it covers; on wasm, the dense chain's step on a
 * pool of threads where memory can be shared.
 */
export async function pickPreparedEngine(parts: EngineParts, current: TrainingEngine): Promise<PreparedEngineOffer | null> {
  const offer = (await buildWgslEngine(parts)) ?? (await buildThreadedChainEngine(parts));
  if (!offer || !('engine' in offer)) return offer;
  try {
    await handOver(current, offer.engine);
  } catch (error) {
    offer.engine.dispose();
    throw error;
  }
  return offer;
}

/** Weights and Adam state from one engine to another, as a run moves between backends. */
async function handOver(from: TrainingEngine, to: TrainingEngine): Promise<void> {
  const [encoder, decoder, optimizer] = await Promise.all([from.exportWeights('encoder'), from.exportWeights('decoder'), from.exportOptimizer()]);
  to.importWeights('encoder', encoder);
  to.importWeights('decoder', decoder);
  to.importOptimizer(optimizer);
}
