// The TensorFlow.js backends this app can train on, by tfjs's own names. Declared here, below the
// training protocol, so backend selection (backends/) never imports from train/.
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
