// Loads the engine's WebAssembly kernels (generated from assembly/kernels.ts) and manages their
// memory: a bump allocator that is reset before each operation and grows the memory when needed.
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './generated/kernelsWasm.js';

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemmScratchBytes(m: number, n: number, k: number): number;
  gemm(
    a: number, b: number, c: number, m: number, n: number, k: number,
    transA: number, transB: number, lda: number, ldb: number, accumulate: number, scratch: number,
  ): void;
  addBias(c: number, rows: number, cols: number, bias: number, biasLength: number): void;
  activate(x: number, count: number, activation: number, alpha: number): void;
  activationGrad(g: number, y: number, count: number, activation: number, alpha: number): void;
  columnSums(x: number, rows: number, cols: number, out: number): void;
  bceLossGrad(p: number, t: number, g: number, count: number, lo: number, hi: number, scale: number): number;
  mseLossGrad(p: number, t: number, g: number, count: number, scale: number): number;
  im2col(
    x: number, cols: number, batch: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kH: number, kW: number, strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void;
  col2im(
    cols: number, dx: number, batch: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kH: number, kW: number, strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  ): void;
  adam(
    w: number, g: number, m: number, v: number, count: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, stepSize: number, epsilon: number,
  ): void;
  accumulate(dst: number, src: number, count: number): void;
  gatherScaledBytes(bytes: number, indices: number, count: number, pixelsPerImage: number, out: number): void;
}

/** Activation codes shared with assembly/kernels.ts. */
export const ACTIVATION_CODES = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, elu: 4, leakyrelu: 5, tanh: 6 } as const;
export type EngineActivation = keyof typeof ACTIVATION_CODES;

const PAGE_BYTES = 65536;

/** The instantiated kernels plus an arena in their memory. One per thread; not re-entrant. */
export class KernelModule {
  readonly exports: KernelExports;
  /** Scratch starts past the module's static data (the tables behind exp). */
  private readonly heapStart: number;
  private top: number;
  private view: Float32Array;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as KernelExports;
    this.view = new Float32Array(this.exports.memory.buffer);
    this.heapStart = Math.ceil(this.exports.heapBase() / 16) * 16;
    this.top = this.heapStart;
  }

  /** Forget every allocation: the start of each operation. */
  reset(): void {
    this.top = this.heapStart;
  }

  /** Give back every allocation made after `offset` (an earlier `alloc`'s result or `allocFloats(0)`). */
  rewind(offset: number): void {
    this.top = offset;
  }

  /** Reserve `bytes` (16-byte aligned) and return their offset; may grow memory, so take `floats()` after. */
  alloc(bytes: number): number {
    const offset = this.top;
    this.top = offset + Math.ceil(bytes / 16) * 16;
    const memory = this.exports.memory;
    if (this.top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / PAGE_BYTES));
    }
    return offset;
  }

  /** Reserve room for `count` floats. */
  allocFloats(count: number): number {
    return this.alloc(count * 4);
  }

  /** The memory as floats; a fresh view whenever the memory has grown. */
  floats(): Float32Array {
    if (this.view.buffer !== this.exports.memory.buffer) this.view = new Float32Array(this.exports.memory.buffer);
    return this.view;
  }

  /** Copy `values` into a fresh allocation and return its offset. */
  put(values: Float32Array): number {
    const offset = this.allocFloats(values.length);
    this.floats().set(values, offset / 4);
    return offset;
  }

  /**
   * C = op(A) . op(B) (C += when `accumulate`) on operands already in this memory, dense and
   * row-major: A is m x k (k x m when transA), B is k x n (n x k when transB), C is m x n.
   */
  gemmAt(a: number, b: number, c: number, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate = false): void {
    const scratch = this.alloc(this.exports.gemmScratchBytes(m, n, k));
    this.exports.gemm(a, b, c, m, n, k, transA ? 1 : 0, transB ? 1 : 0, transA ? m : k, transB ? k : n, accumulate ? 1 : 0, scratch);
  }
}

let loading: Promise<KernelModule> | null = null;
let loaded: KernelModule | null = null;

/** Which of the two builds runs: relaxed SIMD (fused multiply-add) where the engine has it, else plain SIMD128. */
export type KernelBuild = 'relaxed-simd' | 'simd';

function decodeBase64(text64: string): Uint8Array<ArrayBuffer> {
  const text = atob(text64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The bytes of one build (the tests compare the two where both run). */
export function kernelBytes(build: KernelBuild): Uint8Array<ArrayBuffer> {
  return decodeBase64(build === 'relaxed-simd' ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64);
}

let chosenBuild: KernelBuild | null = null;

/**
 * The build this engine runs, decided once by validating the relaxed bytes: Chrome 114+ and
 * Firefox 146+ take it; Safari and Node 20 without --experimental-wasm-relaxed-simd get the plain one.
 */
export function kernelBuild(): KernelBuild {
  if (chosenBuild === null) {
    let relaxed = false;
    try {
      relaxed = typeof WebAssembly === 'object' && WebAssembly.validate(kernelBytes('relaxed-simd'));
    } catch {
      relaxed = false;
    }
    chosenBuild = relaxed ? 'relaxed-simd' : 'simd';
  }
  return chosenBuild;
}

function wasmBytes(): Uint8Array<ArrayBuffer> {
  return kernelBytes(kernelBuild());
}

/** A fresh instance of one build with its own memory (tests and the bench compare the builds). */
export async function instantiateKernels(build: KernelBuild): Promise<KernelModule> {
  const module = await WebAssembly.compile(kernelBytes(build));
  return new KernelModule(await WebAssembly.instantiate(module, {}));
}

/** Compile and instantiate this thread's kernels once, the build `kernelBuild()` names (SIMD128 needed; rejects without it). */
export function loadKernelModule(): Promise<KernelModule> {
  loading ??= instantiateKernels(kernelBuild()).then((instance) => {
    loaded = instance;
    return loaded;
  });
  return loading;
}

/** The kernels if `loadKernelModule` has finished, else null. */
export function kernelModuleIfLoaded(): KernelModule | null {
  return loaded;
}

/** Whether this engine supports WebAssembly SIMD128 (validates the compiled module without running it). */
export function kernelsSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes());
  } catch {
    return false;
  }
}
