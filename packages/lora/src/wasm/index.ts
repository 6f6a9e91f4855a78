// The `wasm` backend of @kairos/lora: re-exports only.
export type { WasmBackendOptions } from "./create-wasm-backend";
export { createWasmBackend } from "./create-wasm-backend";
export { relaxedSimdAvailable } from "./kernels-module";
export { WasmBackend } from "./wasm-backend";
