// Declaration of the module scripts/build-wasm.mjs generates next to this file (not committed).
/** The engine's kernels (src/engine/assembly/) compiled to WebAssembly SIMD128, base64. */
export declare const KERNELS_WASM_BASE64: string;
/** The same kernels compiled with relaxed SIMD as well (fused multiply-add in the GEMM), base64. */
export declare const KERNELS_RELAXED_WASM_BASE64: string;
/** The plain build on a memory the caller imports, shared between threads (engine/threads), base64. */
export declare const KERNELS_SHARED_WASM_BASE64: string;
/** The relaxed-SIMD build on a shared, imported memory, base64. */
export declare const KERNELS_SHARED_RELAXED_WASM_BASE64: string;
