export type { FinetuneResult } from "./finetune/finetune.js";
export { finetune } from "./finetune/finetune.js";
export type { FinetuneDataOptions, FinetuneOptions } from "./finetune/finetune-options.js";
export type { FinetuneSplit, FinetuneSplitOptions } from "./finetune/finetune-split.js";
export { finetuneSplit, minFinetuneContext } from "./finetune/finetune-split.js";
export type { LoraOptions } from "./finetune/lora-model.js";
export { DEFAULT_TARGET_MODULES, LoraModel } from "./finetune/lora-model.js";
export type { TrainingWindow } from "./finetune/token-windows.js";
export { sequenceLength, windowBatch } from "./finetune/token-windows.js";
export { CachedDecoder } from "./forecast/cached-decoder.js";
export type { Forecast, ForecastOptions } from "./forecast/forecast.js";
export { FORECAST_LEVELS, forecast } from "./forecast/forecast.js";
export { pathQuantiles } from "./forecast/quantiles.js";
export type { SamplingOptions } from "./forecast/sample-token.js";
export { sampleToken } from "./forecast/sample-token.js";
export type {
  BacktestOptions,
  BacktestResult,
  BacktestRow,
  Forecaster,
} from "./metrics/backtest.js";
export { backtest } from "./metrics/backtest.js";
export { naiveForecast, seasonalNaiveForecast } from "./metrics/baselines.js";
export type { ForecastScores, ScoredWindow } from "./metrics/evaluate-forecasts.js";
export { evaluateForecasts } from "./metrics/evaluate-forecasts.js";
export { geometricMean, relativeScore } from "./metrics/geometric-mean.js";
export { inferFrequency } from "./metrics/infer-frequency.js";
export { mase } from "./metrics/mase.js";
export { normalQuantile } from "./metrics/normal-quantile.js";
export type { QuantileForecast } from "./metrics/quantile-forecast.js";
export { QUANTILE_LEVELS } from "./metrics/quantile-forecast.js";
export { absoluteSum, quantileLoss, wql } from "./metrics/quantile-loss.js";
export type { Frequency } from "./metrics/season.js";
export { seasonFromFrequency } from "./metrics/season.js";
export { seasonalError } from "./metrics/seasonal-error.js";
export { smape } from "./metrics/smape.js";
export type { TokenBatch } from "./model/batch.js";
export { IGNORE_INDEX } from "./model/chunked-cross-entropy.js";
export type { LlamaConfig, TokenizerSettings } from "./model/config.js";
export {
  CHRONOS_TOKENIZER,
  DEFAULT_TOKENIZER_CLASS,
  fromConfigJson,
  headDim,
  llamaConfig,
  toConfigJson,
} from "./model/config.js";
export type { LlamaModelOptions } from "./model/llama.js";
export { LlamaModel } from "./model/llama.js";
export type { MatmulBackend, MatmulShape } from "./model/matmul.js";
export type { ModelFiles } from "./model/model-files.js";
export { parseModel, serializeModel } from "./model/model-files.js";
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
export type { ModelStage, StageForward } from "./model/stage.js";
export type { TokenizerFactory } from "./model/tokenizer-registry.js";
export { tokenizerClasses, tokenizerFor } from "./model/tokenizer-registry.js";
export { FullModel } from "./pretrain/full-model.js";
export type { PretrainOptions, PretrainProgress } from "./pretrain/pretrain.js";
export { pretrain, syntheticWindow } from "./pretrain/pretrain.js";
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
export { scheduledRunner, storeAllRunner } from "./train/step-runner.js";
export type { Trainable } from "./train/trainable.js";
export type { TrainerCheckpoint, TrainerData, TrainResult } from "./train/trainer.js";
export { Trainer } from "./train/trainer.js";
export type { EvalInfo, StepInfo, TrainerOptions } from "./train/trainer-options.js";
