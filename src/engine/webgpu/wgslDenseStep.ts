// A whole training step of a dense autoencoder in WGSL: one command buffer per step with every
// dispatch of the forward pass, the loss, the backward pass and Adam, over buffers that stay on
// the GPU. The dataset is uploaded once; a batch is cut on the GPU from an uploaded order and its
// noise drawn there from the step's seed. Nothing is mapped per step: the loss terms are read
// through a ring (lossRing.ts) whenever the caller asks, and weights only when asked for.
import { GpuBuffers } from './gpuBuffers';
import { LossRing } from './lossRing';
import { compileStepPipelines, type ProductShader, type StepPipelines } from './pipelines';
import { readFloats } from './readBack';
import { unmetRequirement } from './requirements';
import { checkSpec, layerSlots, type WgslDenseSpec } from './spec';
import { makeStepBuffers, type StepBuffers } from './stepBuffers';
import { buildStepPlan, type Dispatch, type StepPlan } from './stepPlan';
import { TERMS_PER_STEP } from './wgsl/loss';
import { stepUniform } from './wgsl/step';

export interface WgslDataset {
  /** `count` images of `spec.widths[0]` bytes each (0..255). */
  pixels: Uint8Array<ArrayBuffer>;
  count: number;
}

/** One network's weights as flat arrays in `getWeights()` order: model/weights.ts's WeightSnapshot. */
export interface FlatWeights {
  shapes: number[][];
  values: Float32Array[];
}

/** One step's loss terms as read back. */
export interface StepTerms {
  reconstruction: number;
  /** The code penalty's value; 0 without one. */
  penalty: number;
  total: number;
}

/** Steps whose loss may wait unread before a step refuses to run. */
const LOSS_CAPACITY = 1024;

export class WgslDenseStep {
  /** Adam updates applied so far; sets the next update's bias correction. */
  iterations = 0;
  readonly parameterCount: number;
  private readonly plans = new Map<number, StepPlan>();
  private readonly inFlight: Promise<void>[] = [];
  private disposed = false;

  private constructor(
    private readonly device: GPUDevice,
    readonly spec: WgslDenseSpec,
    private readonly buffers: GpuBuffers,
    private readonly pipelines: StepPipelines,
    private readonly gpu: StepBuffers,
    private readonly ring: LossRing,
    private readonly orderLength: number,
  ) {
    this.parameterCount = layerSlots(spec).total;
  }

  /**
   * The step for `spec` on `device`, with `dataset` uploaded. Rejects with the reason when the
   * device's limits do not fit, or with a WgslCompileError when a shader does not compile.
   */
  static async create(device: GPUDevice, spec: WgslDenseSpec, dataset: WgslDataset, options: { products?: ProductShader } = {}): Promise<WgslDenseStep> {
    checkSpec(spec);
    const unmet = unmetRequirement(device.limits, spec, dataset.count);
    if (unmet) throw new Error(`The WGSL step cannot run here: ${unmet}.`);
    const pipelines = await compileStepPipelines(device, options.products);
    const buffers = new GpuBuffers(device);
    try {
      const gpu = makeStepBuffers(buffers, spec, dataset.pixels, dataset.count);
      const ring = new LossRing(device, buffers, TERMS_PER_STEP, LOSS_CAPACITY);
      return new WgslDenseStep(device, spec, buffers, pipelines, gpu, ring, Math.max(dataset.count, spec.maxRows));
    } catch (error) {
      buffers.destroyAll();
      throw error;
    }
  }

  /** Steps whose loss terms have not been read. */
  get unreadSteps(): number {
    return this.ring.pending;
  }

  /**
   * Parameters in the flat layout (each layer's kernel ([inputs, units], row-major) then its bias,
   * first layer first): every one, or a run of them from float `at` (one network's, say).
   */
  writeParameters(values: Float32Array<ArrayBuffer>, at = 0): void {
    this.checkRange(at, values.length);
    this.device.queue.writeBuffer(this.gpu.parameters, at * 4, values);
  }

  /** Adam's moments in the parameters' layout and its step count, to continue a run exactly. */
  writeOptimizer(first: Float32Array<ArrayBuffer>, second: Float32Array<ArrayBuffer>, iterations: number): void {
    this.checkLength(first, 'first moments');
    this.checkLength(second, 'second moments');
    this.device.queue.writeBuffer(this.gpu.firstMoments, 0, first);
    this.device.queue.writeBuffer(this.gpu.secondMoments, 0, second);
    this.iterations = iterations;
  }

  /** Dataset indices that batches are cut from, written at position `at` (an epoch's shuffled order, say). */
  writeOrder(indices: Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>, at = 0): void {
    if (at < 0 || at + indices.length > this.orderLength) throw new Error(`WGSL step: the order holds ${this.orderLength} indices.`);
    this.device.queue.writeBuffer(this.gpu.order, at * 4, indices);
  }

  /** One Adam step on the `rows` images at `orderOffset` of the order, with noise drawn from `seed`. */
  step(orderOffset: number, rows: number, seed: number): void {
    this.submit(orderOffset, rows, seed, true);
  }

  /** The gradients and loss of a batch with no update: for checks against autodiff. */
  gradientsOnly(orderOffset: number, rows: number, seed: number): void {
    this.submit(orderOffset, rows, seed, false);
  }

  /** Waits until at most `steps` submitted steps are still running on the GPU. */
  async settle(steps = 2): Promise<void> {
    while (this.inFlight.length > steps) await this.inFlight.shift();
  }

  /** The loss terms of every step not read yet, oldest first. */
  async readTerms(): Promise<StepTerms[]> {
    const rows = await this.ring.read();
    return rows.map((row) => ({ reconstruction: row[0], penalty: row[1], total: row[2] }));
  }

  /** `count` parameters from float `at` (all of them by default), as they are when this is called. */
  readParameters(at = 0, count = this.parameterCount): Promise<Float32Array> {
    this.checkRange(at, count);
    return readFloats(this.device, this.buffers, this.gpu.parameters, count, at);
  }

  /** Adam's state as it is when this is called: both copies are submitted before it returns. */
  async readOptimizer(): Promise<{ first: Float32Array; second: Float32Array; iterations: number }> {
    const iterations = this.iterations;
    const [first, second] = await Promise.all([
      readFloats(this.device, this.buffers, this.gpu.firstMoments, this.parameterCount),
      readFloats(this.device, this.buffers, this.gpu.secondMoments, this.parameterCount),
    ]);
    return { first, second, iterations };
  }

  /**
   * Copies runs of parameters (`count` floats from float `at`) into other buffers of this device,
   * in one command buffer submitted now: after every step submitted before, before any submitted
   * after. No CPU round trip (the trainer mirrors the weights into the model's buffers this way).
   */
  copyParameterRuns(runs: readonly { at: number; count: number; target: GPUBuffer; targetOffset?: number }[]): void {
    if (this.disposed) throw new Error('WGSL step: used after dispose.');
    const encoder = this.device.createCommandEncoder({ label: 'parameter copies' });
    for (const run of runs) {
      this.checkRange(run.at, run.count);
      encoder.copyBufferToBuffer(this.gpu.parameters, run.at * 4, run.target, run.targetOffset ?? 0, run.count * 4);
    }
    this.device.queue.submit([encoder.finish()]);
  }

  /** The last step's gradients, in the parameters' layout. */
  readGradients(): Promise<Float32Array> {
    return readFloats(this.device, this.buffers, this.gpu.gradients, this.parameterCount);
  }

  /** What the encoder saw in the last step (the noisy batch for the denoising kind), `rows` images. */
  readInput(rows: number): Promise<Float32Array> {
    return readFloats(this.device, this.buffers, this.gpu.input, rows * this.spec.widths[0]);
  }

  /** The flat parameters cut into the encoder's and the decoder's weight snapshots. */
  splitWeights(flat: Float32Array): { encoder: FlatWeights; decoder: FlatWeights } {
    this.checkLength(flat, 'parameters');
    const { layers } = layerSlots(this.spec);
    const network = (from: number, to: number): FlatWeights => {
      const result: FlatWeights = { shapes: [], values: [] };
      for (const slots of layers.slice(from, to)) {
        result.shapes.push([slots.inputs, slots.units]);
        result.values.push(flat.slice(slots.kernelOffset, slots.kernelOffset + slots.inputs * slots.units));
        if (slots.biasOffset >= 0) {
          result.shapes.push([slots.units]);
          result.values.push(flat.slice(slots.biasOffset, slots.biasOffset + slots.units));
        }
      }
      return result;
    };
    return { encoder: network(0, this.spec.encoderLayers), decoder: network(this.spec.encoderLayers, layers.length) };
  }

  /** Frees every GPU buffer; safe to call twice and on a lost device. */
  dispose(): void {
    this.disposed = true;
    this.plans.clear();
    this.inFlight.length = 0;
    this.buffers.destroyAll();
  }

  private submit(orderOffset: number, rows: number, seed: number, update: boolean): void {
    if (this.disposed) throw new Error('WGSL step: used after dispose.');
    if (!Number.isInteger(rows) || rows <= 0 || rows > this.spec.maxRows) throw new Error(`WGSL step: ${rows} rows; the step takes 1 to ${this.spec.maxRows}.`);
    if (orderOffset < 0 || orderOffset + rows > this.orderLength) throw new Error('WGSL step: the batch runs past the order.');
    const plan = this.planFor(rows);
    const termsRow = this.ring.claimRow();
    try {
      const iterations = update ? this.iterations + 1 : Math.max(1, this.iterations);
      const { beta1, beta2, learningRate, epsilon } = this.spec.adam;
      // As train/engines/adam.ts: lr · m̂ / (√v̂ + ε) with the bias corrections folded into two numbers.
      const secondRoot = Math.sqrt(1 - beta2 ** iterations);
      const stepSize = (learningRate * secondRoot) / (1 - beta1 ** iterations);
      this.device.queue.writeBuffer(this.gpu.step, 0, stepUniform({ orderOffset, seed, termsRow, stepSize, epsilon: epsilon * secondRoot }));
      const encoder = this.device.createCommandEncoder({ label: 'training step' });
      const pass = encoder.beginComputePass({ label: 'training step' });
      const dispatch = (item: Dispatch) => {
        pass.setPipeline(item.pipeline);
        pass.setBindGroup(0, item.bindGroup);
        pass.dispatchWorkgroups(item.groups[0], item.groups[1]);
      };
      plan.gradients.forEach(dispatch);
      if (update) dispatch(plan.adam);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      if (update) this.iterations = iterations;
    } catch (error) {
      this.ring.releaseRow();
      throw error;
    }
    this.inFlight.push(this.device.queue.onSubmittedWorkDone());
  }

  private planFor(rows: number): StepPlan {
    let plan = this.plans.get(rows);
    if (!plan) {
      plan = buildStepPlan(this.device, this.buffers, this.pipelines, this.gpu, this.ring.terms, this.spec, rows);
      this.plans.set(rows, plan);
    }
    return plan;
  }

  private checkRange(at: number, count: number): void {
    if (!Number.isInteger(at) || !Number.isInteger(count) || at < 0 || count < 0 || at + count > this.parameterCount) {
      throw new Error(`WGSL step: parameters ${at} to ${at + count} are outside the model's ${this.parameterCount}.`);
    }
  }

  private checkLength(values: ArrayLike<number>, what: string): void {
    if (values.length !== this.parameterCount) throw new Error(`WGSL step: ${values.length} ${what}, the model has ${this.parameterCount} parameters.`);
  }
}
