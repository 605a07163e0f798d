import { describe, expect, it } from 'vitest';
import { productShaderFor } from '../../src/engine/webgpu/pipelines';

function deviceWith(architecture: string, description: string): GPUDevice {
  return { adapterInfo: { architecture, description } } as unknown as GPUDevice;
}

describe('productShaderFor', () => {
  it('reads operands straight from the buffers on Vulkan on a CPU (lavapipe)', () => {
    expect(productShaderFor(deviceWith('', 'llvmpipe (LLVM 19.1.7, 256 bits)'))).toBe('direct');
    expect(productShaderFor(deviceWith('software', ''))).toBe('direct');
  });

  it('stages tiles in workgroup memory on a GPU and on SwiftShader, where that ran faster', () => {
    expect(productShaderFor(deviceWith('swiftshader', ''))).toBe('tiled');
    expect(productShaderFor(deviceWith('gen-12lp', 'Intel(R) Iris(R) Xe Graphics'))).toBe('tiled');
    expect(productShaderFor({} as GPUDevice)).toBe('tiled');
  });
});
