// Entry of the WebAssembly kernels of @kairos/lora's `wasm` backend (compiled by
// scripts/build-wasm.mjs with SIMD and threads, imported shared memory, no runtime).

export { addBias, axpy, mul, packTransposed, scale, sumRows } from "./elementwise";
export {
  beginMatmul,
  doneAddress,
  matmulBlock,
  readyAddress,
  reservedBytes,
  runJob,
  stopAddress,
  wakeAddress,
} from "./job";
