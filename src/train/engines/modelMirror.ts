// Copies the WGSL step's flat parameters into the model's own tfjs variables on tfjs-webgpu's
// device, GPU to GPU: each variable's run goes into a buffer of its own, and tfjs makes a tensor
// from that buffer (its public WebGPUData input, which copies it into a buffer tfjs owns) that
// the variable is assigned. No CPU round trip, and no write behind tfjs's back into a buffer it
// owns (tfjs caches a read tensor's values on the CPU, which such a write would leave stale).
import * as tf from '../../lib/tf';
import { GpuBuffers } from '../../engine/webgpu/gpuBuffers';
import type { WgslDenseStep } from '../../engine/webgpu/wgslDenseStep';
import type { VariableRun } from './flatParameters';

export class ModelMirror {
  private readonly buffers: GpuBuffers;
  private readonly targets: GPUBuffer[];

  constructor(
    device: GPUDevice,
    private readonly variables: readonly tf.Variable[],
    private readonly runs: readonly VariableRun[],
  ) {
    this.buffers = new GpuBuffers(device);
    // tfjs takes a GPU buffer as a tensor's data only with STORAGE and COPY_SRC; the copies write it.
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.targets = runs.map((run, i) => this.buffers.make(`model variable ${i}`, run.count * 4, usage));
  }

  /** Queue the copies from `step`'s parameters and assign every variable its copy. */
  copyFrom(step: WgslDenseStep): void {
    step.copyParameterRuns(this.runs.map((run, i) => ({ at: run.at, count: run.count, target: this.targets[i] })));
    // Submitted after the copies above, so tfjs's own copy reads what they wrote.
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        variable.assign(tf.tensor({ buffer: this.targets[i] }, variable.shape, 'float32'));
      });
    });
  }

  /** Destroys the buffers; safe on a lost device. */
  dispose(): void {
    this.buffers.destroyAll();
  }
}
