// TensorFlow.js as this app uses it: the core (tensors, ops, autodiff), the layers API (the
// models) and the plain-JavaScript CPU backend. Not the umbrella package: that also brings the
// converter, the data API and the WebGL backend into every bundle, which the page's thread never
// uses and a worker on WebAssembly does not need (WebGL loads when asked for, see backends/activate.ts).
// About half of the page's script, parsed and run before Train could be enabled.
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
