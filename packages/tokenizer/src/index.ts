export type { MeanScaleUniformBinsOptions } from "./chronos-options.js";
export type {
  DigitDecodeOptions,
  DigitEncoding,
  DigitTokenizerOptions,
} from "./digit-tokenizer.js";
export { DigitTokenizer } from "./digit-tokenizer.js";
export { DIGIT_IDS, DIGIT_VOCAB_SIZE } from "./digit-vocabulary.js";
export type { DigitState } from "./llmtime-scaler.js";
export type { ChronosBatch, ChronosEncoding, ChronosLabels } from "./mean-scale-uniform-bins.js";
export { MeanScaleUniformBins } from "./mean-scale-uniform-bins.js";
export type { RobustScale } from "./robust-scale.js";
export type { RobustScaleUniformBinsOptions } from "./robust-scale-options.js";
export { RobustScaleUniformBins } from "./robust-scale-uniform-bins.js";
export type {
  SpecialTokenIds,
  TokenEncoding,
  TokenIds,
  Tokenizer,
} from "./tokenizer.js";
export { bucketizeRight } from "./uniform-bins.js";
export type { Series } from "./validate.js";
