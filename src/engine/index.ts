// The CPU engine: fast f32 products and convolutions for tfjs's wasm backend.
//
// Why this shape (measured in Node 20 and headless Chromium on a 2-core x86 machine, tfjs 4.22):
// - tfjs's wasm BatchMatMul uses XNNPACK only when neither operand is transposed; the two backward
//   products of a dense layer (dy . Wᵀ, xᵀ . dy) fall to a scalar loop at 0.3-0.8 GFLOP/s, and
//   Conv2DBackpropFilter does not exist, so conv models cannot train on wasm at all.
// - Our own GEMM (assembly/kernels.ts, AssemblyScript -> WebAssembly SIMD128): B packed in panels of
//   8 columns, A in strips of 6 rows, a 6x8 register block of 12 f32x4 accumulators, blocked at 256
//   in depth and 512 in columns. Transposes are absorbed by the packing, so all four combinations run
//   at the same rate. CPU-time rate on 256x784 @ 784x128: 11-15 GFLOP/s here against tfjs's 2-4.
// - Replacement kernels registered for the 'wasm' backend (wasmKernels.ts), not custom gradients in
//   the model code: every kind built from tfjs layers (basic, denoising, sparse, variational,
//   contractive, convolutional) speeds up without changing, and every other backend is untouched.
//   Cases they do not cover (non-float32, general batch broadcasts, prelu) go to the saved original.
// - Operands are copied from the backend's heap into the engine's memory and the product back: the
//   copies are O(m k + k n + m n) against O(m n k) work, a few percent of a product. Sharing one
//   memory would need the backend's WebAssembly.Memory, which its Emscripten build does not expose.
// - Convolutions: im2col (or col2im for the input gradient and transposed convolutions) per chunk of
//   images sized to stay in L2, then the same GEMM.
export { installWasmKernels, uninstallWasmKernels, wasmKernelsInstalled } from './wasmKernels';
export { loadKernelModule, kernelsSupported, kernelBuild, type KernelBuild, type KernelModule } from './kernelModule';
