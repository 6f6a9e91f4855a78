// Entry of the WebAssembly kernels of @kairos/lora's `wasm` backend (compiled by
// scripts/build-wasm.mjs with SIMD and threads, imported shared memory, no runtime).

export { attentionTiles, setAttention, setAttentionShape } from "./attention";
export { attentionBlocked, blockedAttentionFloats } from "./attention-blocked";
export { crossEntropyTiles, setCrossEntropy } from "./cross-entropy";
export {
  addBias,
  axpy,
  mergePanels,
  mul,
  packPanels,
  packTransposed,
  scale,
  sumRows,
} from "./elementwise";
export {
  beginMatmul,
  beginTiles,
  doneAddress,
  packSteps,
  readyAddress,
  reservedBytes,
  runJob,
  setReductions,
  setSide,
  stopAddress,
  wakeAddress,
} from "./job";
// Exported so that it stays a function of its own: inlined into matmulBlock, V8 hoists its five
// splat loads and spills accumulators (measured 17 against ~45 GFLOP/s on one core).
export { kernel5x8 } from "./microkernel";
export { rmsNormTiles, setRmsNorm } from "./rms-norm";
export { setSwiglu, swigluTiles } from "./swiglu";
