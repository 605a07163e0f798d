// Declaration of the module scripts/build-wasm.mjs generates next to this file (not committed).
/** The engine's kernels (src/engine/assembly/kernels.ts) compiled to WebAssembly, base64. */
export declare const KERNELS_WASM_BASE64: string;
