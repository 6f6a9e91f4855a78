// A forecasting model, whatever its family (a Kairos Llama, a Chronos T5, a Chronos-Bolt): what
// fine-tuning, forecasting, merging and `kairos info` need of it, so none of them branches on the
// architecture. A family is one implementation of this interface over its own model class.
import type { Adapter, Backend, LoRALinear } from "@kairos/lora";
import type { TokenBatch } from "../model/batch.js";
import type { Trainable } from "../train/trainable.js";

/** The window a model was trained on: the history it sees and the steps it forecasts at once. */
export interface WindowShape {
  contextLength: number;
  predictionLength: number;
}

/** A context and the target that follows it. */
export interface TrainingWindow {
  context: ArrayLike<number>;
  target: ArrayLike<number>;
}

/** Options of a forecast: horizon and sampling (a sampling model's; a quantile model ignores them). */
export interface ForecastOptions {
  /** Steps to forecast (default: the model's prediction length). */
  horizon?: number;
  /** Sample paths (default 20, as Chronos). */
  samples?: number;
  temperature?: number;
  /** Keep only the k most likely tokens (default 50, as Chronos; 0 = all). */
  topK?: number;
  /** Nucleus mass (default 1 = off). */
  topP?: number;
  seed?: number;
}

/** A probabilistic forecast: the median and the `levels` quantiles, `[levels][horizon]`. */
export interface Forecast {
  /** `[samples][horizon]` sampled paths (empty for a model that outputs quantiles directly). */
  samples: Float32Array[];
  median: Float32Array;
  levels: number[];
  quantiles: Float32Array[];
}

/** LoRA hyper-parameters (PEFT `LoraConfig` names in camelCase). */
export interface LoraOptions<Module extends string = string> {
  /** Module names to adapt, among the family's `loraTargets` (default its `defaultLoraTargets`). */
  targetModules?: Module[];
  rank?: number;
  alpha?: number;
  dropout?: number;
  useRslora?: boolean;
  init?: "kaiming" | "gaussian";
  /** Seed of A's initialisation and of dropout masks. */
  seed?: number;
}

/** A model whose target projections carry LoRA adapters, in place: trainable and savable. */
export interface AdaptedModel<B = TokenBatch> extends Trainable<B> {
  /** LoRA layers by module path, as PEFT names them under `base_model.model.`. */
  readonly layers: Record<string, LoRALinear>;
  /** The adapter in PEFT's layout (A and B copied). */
  adapter(baseModelNameOrPath?: string | null): Adapter;
  /** Loads an adapter's A and B (checked first: nothing changes on a mismatch). */
  loadAdapter(adapter: Adapter): void;
  setTraining(training: boolean): void;
}

/** A pretrained forecaster of one family. */
export interface ForecastModel<B = TokenBatch> {
  /** `llama`, `chronos` or `chronos-bolt`. */
  readonly family: string;
  readonly window: WindowShape;
  /** Module names LoRA may target, and the default targets. */
  readonly loraTargets: readonly string[];
  readonly defaultLoraTargets: readonly string[];
  /** Swaps the target projections for LoRA layers in place: later forecasts use them too. */
  withLora(backend: Backend, options?: LoraOptions): AdaptedModel<B>;
  /** A training batch of windows whose contexts hold at most `contextLength` values. */
  batch(windows: TrainingWindow[], contextLength: number): B;
  /** Positions (tokens or patches) one window of `contextLength` trains on: throughput's unit. */
  positions(contextLength: number): number;
  forecast(context: ArrayLike<number>, options?: ForecastOptions): Promise<Forecast>;
  /** `config.json` and `model.safetensors` of the current weights (merged adapters included). */
  files(): Record<string, Uint8Array | string>;
  /** What the model is, in a few lines (the first names the family). */
  describe(): string[];
}
