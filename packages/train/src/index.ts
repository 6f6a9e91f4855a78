// @kairos/train's public API: what the CLI, the browser demo, the benchmarks and the README's
// examples use (102 values). Everything else in src/ is internal, reachable through these.

export { BoltForecastModel } from "./family/bolt-forecast-model.js";
export { ChronosForecastModel } from "./family/chronos-forecast-model.js";
export type {
  AdaptedModel,
  ForecastModel,
  TrainingWindow,
  WindowShape,
} from "./family/forecast-model.js";
export { LlamaForecastModel } from "./family/llama-forecast-model.js";
export type { ModelFamily } from "./family/model-families.js";
export { forecastModelFromTensors, MODEL_FAMILIES, modelFamily } from "./family/model-families.js";
export type { BoltLoraOptions } from "./finetune/bolt-lora-model.js";
export { BoltLoraModel } from "./finetune/bolt-lora-model.js";
export type { FinetuneResult } from "./finetune/finetune.js";
export { finetune } from "./finetune/finetune.js";
export type { FinetuneDataOptions, FinetuneOptions } from "./finetune/finetune-options.js";
export type { FinetuneSplit, FinetuneSplitOptions } from "./finetune/finetune-split.js";
export { finetuneSplit, minFinetuneContext, minFinetuneLength } from "./finetune/finetune-split.js";
export type { LoraOptions } from "./finetune/lora-model.js";
export { LoraModel } from "./finetune/lora-model.js";
export type { T5LoraOptions, T5TargetModule } from "./finetune/t5-lora-model.js";
export { T5_TARGET_MODULES, T5LoraModel } from "./finetune/t5-lora-model.js";
export {
  sequenceLength,
  windowBatch,
  windowRecordFields,
  windowRecords,
} from "./finetune/token-windows.js";
export { CachedDecoder } from "./forecast/cached-decoder.js";
export type {
  Forecast,
  ForecastOptions,
  TokenDecoding,
  TokenSampler,
} from "./forecast/forecast.js";
export { forecast, llamaSampler, sampleForecast } from "./forecast/forecast.js";
export type { SamplingOptions } from "./forecast/sample-token.js";
export type {
  BacktestOptions,
  BacktestResult,
  BacktestRow,
  Forecaster,
} from "./metrics/backtest.js";
export { backtest } from "./metrics/backtest.js";
export { naiveForecast, seasonalNaiveForecast } from "./metrics/baselines.js";
export { etsForecast } from "./metrics/ets-forecast.js";
export type { ForecastScores, ScoredWindow } from "./metrics/evaluate-forecasts.js";
export { evaluateForecasts } from "./metrics/evaluate-forecasts.js";
export { geometricMean } from "./metrics/geometric-mean.js";
export { inferFrequency } from "./metrics/infer-frequency.js";
export { mase } from "./metrics/mase.js";
export type { QuantileForecast } from "./metrics/quantile-forecast.js";
export { QUANTILE_LEVELS } from "./metrics/quantile-forecast.js";
export { wql } from "./metrics/quantile-loss.js";
export type { Frequency } from "./metrics/season.js";
export { seasonFromFrequency } from "./metrics/season.js";
export { smape } from "./metrics/smape.js";
export type { TokenBatch } from "./model/batch.js";
export type { BoltBatch } from "./model/bolt/bolt-batch.js";
export { boltBatch } from "./model/bolt/bolt-batch.js";
export type { BoltConfig } from "./model/bolt/bolt-config.js";
export { boltConfig, boltConfigFromJson, boltConfigToJson } from "./model/bolt/bolt-config.js";
export {
  boltModelFromTensors,
  boltWeightsFromTensors,
  parseBoltModel,
  serializeBoltModel,
} from "./model/bolt/bolt-files.js";
export type { ChronosBoltModelOptions } from "./model/bolt/bolt-model.js";
export { ChronosBoltModel } from "./model/bolt/bolt-model.js";
export { boltParameterShapes, initBoltParameters } from "./model/bolt/bolt-parameters.js";
export type { LocScale } from "./model/bolt/instance-norm.js";
export { instanceNorm } from "./model/bolt/instance-norm.js";
export type { LlamaConfig, TokenizerSettings } from "./model/config.js";
export {
  CHRONOS_TOKENIZER,
  fromConfigJson,
  llamaConfig,
  toConfigJson,
  tokenizerSettingsFromJson,
} from "./model/config.js";
export type { LlamaModelOptions } from "./model/llama.js";
export { LlamaModel } from "./model/llama.js";
export type { MatmulBackend, MatmulShape } from "./model/matmul.js";
export type { ModelFiles } from "./model/model-files.js";
export { modelFromTensors, parseModel, serializeModel } from "./model/model-files.js";
export type { LinearModule } from "./model/parameters.js";
export {
  initParameters,
  LINEAR_MODULES,
  parameterCount,
  parameterShapes,
} from "./model/parameters.js";
export type { Projection } from "./model/projection.js";
export {
  mergeShards,
  parseShardIndex,
  SHARD_INDEX_FILE,
  shardFiles,
} from "./model/safetensors-index.js";
export type { ModelStage, StageForward } from "./model/stage.js";
export { chronosSampler } from "./model/t5/chronos-sampler.js";
export { relativePositionBucket } from "./model/t5/relative-position.js";
export type { Seq2SeqBatch } from "./model/t5/seq2seq-batch.js";
export { shiftRight } from "./model/t5/seq2seq-batch.js";
export type { T5Geometry } from "./model/t5/t5-block.js";
export type { T5DecoderCache } from "./model/t5/t5-cache.js";
export type { T5Config } from "./model/t5/t5-config.js";
export { t5Config, t5ConfigFromJson, t5ConfigToJson } from "./model/t5/t5-config.js";
export { parseT5Model, serializeT5Model, t5WeightsFromTensors } from "./model/t5/t5-files.js";
export {
  decodeEmbeddings,
  encodeEmbeddings,
  t5DecoderStages,
  t5EncoderStages,
} from "./model/t5/t5-forward.js";
export type { T5ModelOptions } from "./model/t5/t5-model.js";
export { T5Model } from "./model/t5/t5-model.js";
export { initT5Parameters, t5ParameterShapes } from "./model/t5/t5-parameters.js";
export type { T5Parts } from "./model/t5/t5-parts.js";
export type { DecoderInput } from "./model/t5/t5-stages.js";
export {
  t5BridgeStage,
  t5DecoderBlockStage,
  t5DecoderFinalNormStage,
  t5EmbedStage,
  t5EncoderBlockStage,
  t5LmHeadStage,
  tokenDecoderInput,
} from "./model/t5/t5-stages.js";
export type { TokenizerFactory } from "./model/tokenizer-registry.js";
export { tokenizerFor } from "./model/tokenizer-registry.js";
export type { CalendarFrequency } from "./pretrain/calendar.js";
export { FullModel } from "./pretrain/full-model.js";
export type { PretrainOptions, PretrainProgress, SyntheticMix } from "./pretrain/pretrain.js";
export { pretrain, syntheticWindow } from "./pretrain/pretrain.js";
export type { SyntheticFamily } from "./pretrain/synthetic-families.js";
export {
  DEFAULT_FAMILY_WEIGHTS,
  DEFAULT_FREQUENCY_WEIGHTS,
  KAIROS_TINY_FAMILY_WEIGHTS,
} from "./pretrain/synthetic-families.js";
export type { SyntheticOptions } from "./pretrain/synthetic-series.js";
export { syntheticSeries } from "./pretrain/synthetic-series.js";
export type { AdamWOptions, AdamWState, ParameterRef } from "./train/adamw.js";
export { AdamW } from "./train/adamw.js";
export { clipGradNorm } from "./train/clip.js";
export type { MemoryOptions, MemoryRunner } from "./train/memory-runner.js";
export { measureChain, memoryRunner } from "./train/memory-runner.js";
export { parseBytes } from "./train/parse-bytes.js";
export type { ScheduleOptions } from "./train/schedule.js";
export { learningRate } from "./train/schedule.js";
export type { StepRunner } from "./train/step-runner.js";
export { storeAllRunner } from "./train/step-runner.js";
export type { Trainable } from "./train/trainable.js";
export type { TrainerCheckpoint, TrainerData, TrainResult } from "./train/trainer.js";
export { Trainer } from "./train/trainer.js";
export type { EvalInfo, StepInfo, TrainerOptions } from "./train/trainer-options.js";
