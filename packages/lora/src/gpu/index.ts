// `@kairos/lora/gpu`: the gpu.js backend. Importing this entry does not load gpu.js;
// `createGpuBackend` does, on first call.

export type { GpuBackendOptions } from "./create-gpu-backend";
export { createGpuBackend } from "./create-gpu-backend";
export { defaultMinGpuWork } from "./gpu-backend";
export type { GpuMode } from "./gpu-js";
