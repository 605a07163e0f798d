// A main-thread copy of the training worker's decoder, fed with its weight snapshots, so decoding
// the probe never waits for a round trip to the busy worker. Uses whatever tf backend is current.
// Every kind's decoder maps a code to an image, so one replica serves them all.
// On a GPU backend whose device is lost, it rebuilds itself from the last weights it was given.
import * as tf from '../lib/tf';
import { buildDecoder } from './build';
import { usesConvBody, type AutoencoderSpec } from './spec';
import { denseForward, type PlainDenseLayer } from '../engine/denseForward';
import { kernelModuleIfLoaded, kernelsSupported, loadKernelModule } from '../engine/kernelModule';
import { applyWeights, type WeightSnapshot } from './weights';
import { isGpuBackend, looksLikeGpuLoss, resetLostBackend, watchGpuLoss, type GpuLossWatch } from '../backends/gpuLoss';
import { readTidy } from '../lib/readTensor';

/** Watches the device under the current backend; tests pass their own. */
export type LossWatcher = () => GpuLossWatch | null;

const watchCurrentGpu: LossWatcher = () => (isGpuBackend(tf.getBackend()) ? watchGpuLoss() : null);

export class DecoderReplica {
  readonly spec: AutoencoderSpec;
  private decoder: tf.LayersModel;
  private watch: GpuLossWatch | null;
  /** The last weights set, to rebuild from after a loss (the snapshot's arrays are the page's own). */
  private lastWeights: WeightSnapshot | null = null;
  private disposed = false;
  /** Times the decoder was rebuilt after its device was lost. */
  rebuilds = 0;

  /** The dense decoder's layers on plain arrays, for the engine's forward pass; null for conv decoders. */
  private denseLayers: PlainDenseLayer[] | null = null;

  constructor(spec: AutoencoderSpec, private readonly watchLoss: LossWatcher = watchCurrentGpu) {
    this.spec = spec;
    // Dense decoders run on the engine once it has loaded (tfjs until then, and without SIMD).
    if (!usesConvBody(spec) && kernelsSupported()) void loadKernelModule().catch(() => undefined);
    // The seed only fills the weights until the first snapshot arrives; any fixed value will do.
    this.decoder = buildDecoder(spec, 0);
    this.watch = watchLoss();
  }

  /** Replace the weights with a snapshot from the worker; throws if it is for another spec. */
  setWeights(snapshot: WeightSnapshot): void {
    this.assertAlive();
    if (this.watch?.lost()) this.rebuild();
    applyWeights(this.decoder, snapshot);
    this.lastWeights = snapshot;
    this.denseLayers = usesConvBody(this.spec) ? null : denseDecoderLayers(this.spec, snapshot);
  }

  /** One code of `latentDim` values -> one image, H*W*C pixels in [0, 1]. */
  decode(code: Float32Array): Float32Array {
    return this.decodeMany(code, 1);
  }

  /** `count` codes back to back -> `count` images back to back. */
  decodeMany(codes: Float32Array, count: number): Float32Array {
    this.assertAlive();
    const { latentDim } = this.spec;
    if (!Number.isInteger(count) || count < 0 || codes.length !== count * latentDim) {
      throw new Error(
        `decodeMany needs ${latentDim} values per code: got ${codes.length} values for ${count} codes.`,
      );
    }
    if (count === 0) return new Float32Array(0);
    if (this.watch?.lost()) this.rebuild();
    let images: Float32Array;
    try {
      images = this.predict(codes, count);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.watch?.lost() && !looksLikeGpuLoss(message)) throw error;
      this.rebuild();
      return this.predict(codes, count);
    }
    // A lost WebGL context reads back zeros without an error: decode again on the rebuilt decoder.
    if (this.watch?.lost()) {
      this.rebuild();
      return this.predict(codes, count);
    }
    return images;
  }

  private predict(codes: Float32Array, count: number): Float32Array {
    const engine = kernelModuleIfLoaded();
    if (engine && this.denseLayers) return denseForward(engine, this.denseLayers, codes, count);
    const { latentDim } = this.spec;
    return readTidy(() => {
      const input = tf.tensor2d(codes, [count, latentDim]);
      // batchSize = count: predict would otherwise split the codes into batches of 32.
      return this.decoder.predict(input, { batchSize: count }) as tf.Tensor;
    });
  }

  /**
   * The device under the decoder is gone: build it again from the last weights, on plain CPU if the
   * current backend is the lost one (decoding one code there takes well under a millisecond).
   */
  private rebuild(): void {
    const lost = this.watch;
    this.watch?.dispose();
    this.watch = null;
    try {
      this.decoder.dispose();
    } catch {
      // Its textures or buffers went with the device.
    }
    if (lost && tf.getBackend() === lost.backend) {
      resetLostBackend(lost);
      // The CPU backend starts synchronously, so the new decoder is built there.
      void tf.setBackend('cpu');
    }
    this.decoder = buildDecoder(this.spec, 0);
    if (this.lastWeights) applyWeights(this.decoder, this.lastWeights);
    this.watch = this.watchLoss();
    this.rebuilds++;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.watch?.dispose();
    this.decoder.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('DecoderReplica used after dispose().');
  }
}

/**
 * The dense decoder's layers from a snapshot of its weights (kernel, bias per layer, as
 * buildDenseDecoder makes them: the hidden widths reversed with the spec's activation, then the
 * sigmoid pixel layer), or null if the snapshot has another layout.
 */
function denseDecoderLayers(spec: AutoencoderSpec, snapshot: WeightSnapshot): PlainDenseLayer[] | null {
  const widths = [spec.latentDim, ...[...spec.hiddenSizes].reverse()];
  const pixels = spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
  const layers: PlainDenseLayer[] = [];
  for (let i = 0; i < widths.length; i++) {
    const inputs = widths[i];
    const units = i + 1 < widths.length ? widths[i + 1] : pixels;
    const [kernelShape, biasShape] = [snapshot.shapes[2 * i], snapshot.shapes[2 * i + 1]];
    if (kernelShape?.join() !== `${inputs},${units}` || biasShape?.join() !== `${units}`) return null;
    layers.push({
      kernel: snapshot.values[2 * i],
      bias: snapshot.values[2 * i + 1],
      inputs,
      units,
      activation: i + 1 < widths.length ? spec.activation : 'sigmoid',
    });
  }
  return snapshot.shapes.length === 2 * widths.length ? layers : null;
}
