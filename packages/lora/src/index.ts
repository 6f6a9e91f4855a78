// Public API of @kairos/lora: re-exports only.

export type { Awaitable, Backend, BackendName, MatmulShape } from "./backend";
export type { CreateBackendOptions } from "./create-backend";
export { backendNames, createBackend } from "./create-backend";
export { checkMatmul, checkMatrix, checkVector } from "./matmul-shape";
export {
  naiveAddBias,
  naiveAxpy,
  naiveMatmul,
  naiveMul,
  naiveScale,
  naiveSumRows,
} from "./naive-kernels";
export { mixSeed, Random } from "./random";
export { ReferenceBackend } from "./reference-backend";
