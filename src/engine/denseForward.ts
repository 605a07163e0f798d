// A dense chain's forward pass on plain arrays in the engine's memory: what the page's decoder copy
// runs for every probe move and every tile of the decoded views. tfjs's CPU backend took about
// 5 ms (95th percentile, while training) for one code of the default decoder, most of it in its
// plain-JavaScript product; here the same layers are three SIMD GEMMs of a few microseconds.
import { ACTIVATION_CODES, type KernelModule } from './kernelModule';
import type { ChainActivation } from './denseChain';

export interface PlainDenseLayer {
  /** [inputs, units], row-major. */
  kernel: Float32Array;
  /** [units], or null without a bias. */
  bias: Float32Array | null;
  inputs: number;
  units: number;
  activation: ChainActivation;
}

/** The chain's output for `count` inputs of `layers[0].inputs` values each, back to back. */
export function denseForward(engine: KernelModule, layers: readonly PlainDenseLayer[], inputs: Float32Array, count: number): Float32Array {
  if (layers.length === 0) throw new Error('dense forward: no layers');
  if (inputs.length !== count * layers[0].inputs) throw new Error(`dense forward: ${inputs.length} values are not ${count} inputs of ${layers[0].inputs}`);
  const x = engine.exports;
  engine.reset();
  let at = engine.put(inputs);
  for (const layer of layers) {
    if (layer.kernel.length !== layer.inputs * layer.units || (layer.bias && layer.bias.length !== layer.units)) {
      throw new Error('dense forward: a layer\'s weights do not fit its sizes');
    }
    const kernelAt = engine.put(layer.kernel);
    const biasAt = layer.bias ? engine.put(layer.bias) : -1;
    const out = engine.allocFloats(count * layer.units);
    engine.gemmAt(at, kernelAt, out, count, layer.units, layer.inputs, false, false);
    if (layer.bias) x.addBias(out, count, layer.units, biasAt, layer.units);
    x.activate(out, count * layer.units, ACTIVATION_CODES[layer.activation], 0);
    at = out;
  }
  const size = count * layers[layers.length - 1].units;
  return engine.floats().slice(at / 4, at / 4 + size);
}
