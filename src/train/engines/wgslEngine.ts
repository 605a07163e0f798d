// The WGSL training step (engine/webgpu) as a training engine, on tfjs-webgpu's own GPUDevice so
// that weights move between the step's flat buffer and the model's variables without leaving the
// GPU. A step is one command buffer; the loss comes back through the step's ring when the
// Trainer reads it (every few steps), never per step; the model's variables are brought up to
// date only when the Trainer is about to run the model (syncModel), not after every step.
import * as tf from '../../lib/tf';
import { unmetRequirement, type StepLimits } from '../../engine/webgpu/requirements';
import { WgslDenseStep, type StepTerms } from '../../engine/webgpu/wgslDenseStep';
import { applyWeights, type WeightSnapshot } from '../../model/weights';
import { assertOptimizerFits } from './adam';
import { joinRuns, splitRuns, variableRuns, type VariableRun } from './flatParameters';
import { freeAll } from './freeAll';
import { ModelMirror } from './modelMirror';
import type { EngineParts, NetworkName, OptimizerState, TrainingEngine } from './trainingEngine';
import { planWgslStep } from './wgslPlan';

/** Steps still running on the GPU when a loss read returns; more would only queue latency. */
const STEPS_IN_FLIGHT = 2;

/** What `buildWgslEngine` found: the engine, or why the WGSL step cannot train this model here. */
export type WgslEngineOffer = { engine: WgslEngine } | { unavailable: string };

/** The device of the current tfjs backend where it is webgpu (the backend's public `device`), else null. */
export function tfjsWebgpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: GPUDevice }).device ?? null;
}

/**
 * The WGSL engine for `parts` where the backend is webgpu and the step covers the model (basic,
 * dense denoising, sparse), or null where it does not apply. Where it applies but cannot run (the
 * device's limits, a shader the compiler refuses) it says why, for another engine to train instead.
 * Its weights and Adam state are not loaded: the caller hands them over (importWeights, importOptimizer).
 */
export async function buildWgslEngine(parts: EngineParts, options: { limits?: StepLimits } = {}): Promise<WgslEngineOffer | null> {
  const device = tfjsWebgpuDevice();
  if (!device) return null;
  const spec = planWgslStep(parts.model, parts.variables, { learningRate: parts.learningRate, epsilon: tf.backend().epsilon() }, parts.batchSize);
  if (!spec) return null;
  // `limits` stands in for the device's own in tests: no adapter at hand lacks one.
  const unmet = unmetRequirement(options.limits ?? device.limits, spec, parts.imageCount);
  if (unmet) return { unavailable: `the WGSL step cannot run here: ${unmet}` };
  let step: WgslDenseStep;
  try {
    // The step keeps its own packed copy of the bytes; a detached buffer here would upload nothing.
    step = await WgslDenseStep.create(device, spec, { pixels: parts.pixels as Uint8Array<ArrayBuffer>, count: parts.imageCount });
  } catch (error) {
    // A refused shader (WgslCompileError) or an out-of-memory buffer: training goes on with tfjs.
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
  try {
    const runs = variableRuns(spec);
    return { engine: new WgslEngine(parts, step, runs, new ModelMirror(device, parts.variables, runs)) };
  } catch (error) {
    step.dispose();
    throw error;
  }
}

export class WgslEngine implements TrainingEngine {
  readonly name = 'WGSL step';
  /** How many of the variables (the first ones) are the encoder's. */
  private readonly encoderVariables: number;
  /** Steps have run since the model's variables were last brought up to date. */
  private modelStale = false;

  constructor(
    private readonly parts: EngineParts,
    private readonly step: WgslDenseStep,
    /** Where each variable sits in the step's flat buffers (`variableRuns` of its spec). */
    private readonly runs: readonly VariableRun[],
    private readonly mirror: ModelMirror,
  ) {
    this.encoderVariables = parts.model.encoder.trainableWeights.length;
  }

  stepDeferred(batch: Int32Array, seed: number): void {
    // The batch's indices go in at the start of the step's order: 4 bytes an image through the
    // queue, ordered after the steps before it, and the batch is cut from the dataset on the GPU.
    this.step.writeOrder(batch as Int32Array<ArrayBuffer>, 0);
    this.step.step(0, batch.length, seed);
    this.modelStale = true;
  }

  get unreadSteps(): number {
    return this.step.unreadSteps;
  }

  async readPendingTerms(): Promise<Float32Array[]> {
    const rows = await this.step.readTerms();
    await this.step.settle(STEPS_IN_FLIGHT);
    const names = this.parts.model.termNames;
    return rows.map((row) => Float32Array.from(names, (name) => termOf(row, name)));
  }

  async exportWeights(network: NetworkName): Promise<WeightSnapshot> {
    const runs = this.networkRuns(network);
    const start = runs[0].at;
    const last = runs[runs.length - 1];
    return splitRuns(await this.step.readParameters(start, last.at + last.count - start), runs, start);
  }

  importWeights(network: NetworkName, weights: WeightSnapshot): void {
    // Checked against (and loaded into) the model first: it throws before anything changes.
    applyWeights(this.parts.model[network], weights);
    const runs = this.networkRuns(network);
    this.step.writeParameters(joinRuns(weights.values, runs), runs[0].at);
  }

  async exportOptimizer(): Promise<OptimizerState> {
    const { first, second, iterations } = await this.step.readOptimizer();
    return { iterations, firstMoments: splitRuns(first, this.runs), secondMoments: splitRuns(second, this.runs) };
  }

  importOptimizer(state: OptimizerState): void {
    assertOptimizerFits(state, this.parts.variables);
    this.step.writeOptimizer(joinRuns(state.firstMoments.values, this.runs), joinRuns(state.secondMoments.values, this.runs), state.iterations);
  }

  syncModel(): void {
    if (!this.modelStale) return;
    this.mirror.copyFrom(this.step);
    this.modelStale = false;
  }

  /** Destroys every GPU buffer of the step and the mirror, even on a lost device. */
  dispose(): void {
    freeAll([() => this.step.dispose(), () => this.mirror.dispose()]);
  }

  private networkRuns(network: NetworkName): readonly VariableRun[] {
    return network === 'encoder' ? this.runs.slice(0, this.encoderVariables) : this.runs.slice(this.encoderVariables);
  }
}

/** One loss term of a step by the model's name for it: the covered kinds have at most one penalty. */
function termOf(row: StepTerms, name: string): number {
  if (name === 'reconstruction') return row.reconstruction;
  if (name === 'total') return row.total;
  return row.penalty;
}
