// Which engine trains a model, decided once when the Trainer is built, from the model (what its
// config built), the backend and what is loaded. A new engine adds its entry here.
import { DenseChainEngine } from './denseChainEngine';
import { planDenseChain } from './denseChainPlan';
import { TfjsAutodiffEngine } from './tfjsAutodiffEngine';
import type { EngineParts, TrainingEngine } from './trainingEngine';

/** The fastest engine that can train `parts.model` on the current backend; tfjs autodiff always can. */
export function pickTrainingEngine(parts: EngineParts): TrainingEngine {
  // Dense chains (basic, sparse, dense denoising) on the wasm backend with the engine's kernels
  // installed and loaded: hand-written gradients in a handful of kernel calls instead of a hundred.
  const plan = planDenseChain(parts.model, parts.variables);
  if (plan?.ready()) return new DenseChainEngine(parts, plan);
  return new TfjsAutodiffEngine(parts);
}
