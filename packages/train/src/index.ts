export type { TokenBatch } from "./model/batch.js";
export { IGNORE_INDEX } from "./model/chunked-cross-entropy.js";
export type { LlamaConfig, TokenizerSettings } from "./model/config.js";
export {
  CHRONOS_TOKENIZER,
  fromConfigJson,
  headDim,
  llamaConfig,
  toConfigJson,
} from "./model/config.js";
export type { LlamaModelOptions } from "./model/llama.js";
export { LlamaModel } from "./model/llama.js";
export type { MatmulBackend, MatmulShape } from "./model/matmul.js";
export type { LinearModule } from "./model/parameters.js";
export {
  initParameters,
  LINEAR_MODULES,
  linearShape,
  modulePath,
  parameterCount,
  parameterShapes,
} from "./model/parameters.js";
export type { Projection } from "./model/projection.js";
export { DenseProjection } from "./model/projection.js";
export type { ModelStage, StageForward } from "./model/stage.js";
export type { RandomState } from "./random.js";
export { Random } from "./random.js";
