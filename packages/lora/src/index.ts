// Public API of @kairos/lora: re-exports only.

export type { LoraLayerLike } from "./adapter-layers";
export { adapterFromLayers, loadAdapterIntoLayers } from "./adapter-layers";
export {
  checkAttention,
  naiveAttentionBackward,
  naiveAttentionForward,
  visibleKeys,
} from "./attention";
export type {
  AttentionShape,
  AttentionStep,
  Awaitable,
  Backend,
  BackendName,
  LoRAStep,
  MatmulShape,
} from "./backend";
export type { CreateBackendOptions } from "./create-backend";
export { backendNames, createBackend } from "./create-backend";
export {
  checkCrossEntropyRows,
  IGNORE_INDEX,
  naiveCrossEntropyRows,
} from "./cross-entropy-rows";
export { dropout } from "./dropout";
export { kaimingUniform, normal, uniform } from "./init";
export type { LayerSizes } from "./layer-sizes";
export { linearSizes, loraLinearSizes } from "./layer-sizes";
export type { LinearBackend, LinearContext, LinearOptions } from "./linear";
export { Linear } from "./linear";
export type { LoRAContext, LoRAForwardOptions, LoRALinearOptions } from "./lora-linear";
export { LoRALinear } from "./lora-linear";
export { checkMatmul, checkMatrix, checkVector } from "./matmul-shape";
export {
  naiveAddBias,
  naiveAxpy,
  naiveMatmul,
  naiveMul,
  naiveScale,
  naiveSumRows,
} from "./naive-kernels";
export { NO_OUTPUT } from "./no-output";
export type { ForwardOptions, Parameter } from "./parameter";
export type {
  Adapter,
  AdapterConfig,
  AdapterFiles,
  AdapterModule,
  ModelDescription,
} from "./peft-adapter";
export { checkAdapterFits, parseAdapter, serializeAdapter } from "./peft-adapter";
export type { RandomState } from "./random";
export { mixSeed, Random } from "./random";
export { ReferenceBackend } from "./reference-backend";
export type { Floats } from "./rms-norm";
export { checkRmsNorm, naiveRmsNormBackward, naiveRmsNormForward } from "./rms-norm";
export type {
  NamedTensor,
  SafetensorsDtype,
  SafetensorsHeader,
  SafetensorsTensorInfo,
} from "./safetensors";
export {
  readSafetensors,
  readSafetensorsHeader,
  readTensor,
  writeSafetensors,
} from "./safetensors";
export { checkSwiglu, naiveSwigluBackward, naiveSwigluForward } from "./swiglu";
export type { WasmBackendOptions } from "./wasm";
export { createWasmBackend, relaxedSimdAvailable, WasmBackend } from "./wasm";
