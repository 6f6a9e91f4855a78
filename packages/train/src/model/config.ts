// The model's configuration: Hugging Face `LlamaConfig`'s fields in camelCase, validated, and its
// `config.json` form (snake_case, `model_type: "llama"`) that `transformers.LlamaConfig` reads as is.

import {
  type SamplingDefaults,
  samplingFromChronosConfig,
  samplingToChronosConfig,
} from "./sampling-config.js";

/** The tokenizer class of settings that name none (every model written before the field). */
export const DEFAULT_TOKENIZER_CLASS = "MeanScaleUniformBins";

/** Settings of the tokenizer the model was trained with (`chronos_config` in config.json). */
export interface TokenizerSettings {
  /**
   * The tokenizer's class (`tokenizer_class`), one of `tokenizerClasses`; default
   * `"MeanScaleUniformBins"` (Chronos).
   */
  tokenizerClass?: string;
  /** Vocabulary size including special tokens (Chronos: 4096; RobustScaleUniformBins: 8193). */
  nTokens: number;
  /** Special tokens before the bins (PAD = 0, EOS = 1). */
  nSpecialTokens: number;
  /** Lowest bin centre, in units of the scale (`tokenizer_kwargs.low_limit`). */
  lowLimit: number;
  /** Highest bin centre (`tokenizer_kwargs.high_limit`). */
  highLimit: number;
  /**
   * `RobustScaleUniformBins` only: the scale is at least `minScale × |median|`
   * (`tokenizer_kwargs.min_scale`); default the tokenizer's, 1e-6.
   */
  minScale?: number;
  useEosToken: boolean;
  contextLength: number;
  predictionLength: number;
  /**
   * `seq2seq` (a Chronos T5: the context is the encoder's, EOS after it when `useEosToken`) or
   * `causal` (a Kairos Llama: context and target in one sequence). Default `causal`.
   */
  modelType?: "causal" | "seq2seq";
}

/** Architecture of a Llama model. Head size is `hiddenSize / numAttentionHeads`. */
export interface LlamaConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  rmsNormEps: number;
  ropeTheta: number;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  /** Tokenizer settings, when the model is a forecaster (absent for a bare language model). */
  tokenizer?: TokenizerSettings;
  /**
   * The forecasts' sampling defaults (`chronos_config` num_samples, temperature, top_k, top_p),
   * when the checkpoint sets any; a caller's options override them.
   */
  sampling?: SamplingDefaults;
}

/** Chronos's tokenizer defaults (amazon/chronos-t5-*: 4096 tokens, limits ±15, context 512, horizon 64), without EOS. */
export const CHRONOS_TOKENIZER: TokenizerSettings = {
  nTokens: 4096,
  nSpecialTokens: 2,
  lowLimit: -15,
  highLimit: 15,
  useEosToken: false, // a causal model continues the series; no EOS between context and target
  contextLength: 512,
  predictionLength: 64,
};

function positiveInt(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`llamaConfig(): ${name} must be a positive integer, got ${String(value)}`);
  }
}

/** Fills defaults and validates; throws a RangeError naming the bad field. */
export function llamaConfig(
  options: Partial<LlamaConfig> & Pick<LlamaConfig, "vocabSize" | "hiddenSize">,
): LlamaConfig {
  const c: LlamaConfig = {
    intermediateSize: options.hiddenSize * 4,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    numKeyValueHeads: options.numAttentionHeads ?? 4,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    maxPositionEmbeddings: 2048,
    tieWordEmbeddings: false,
    ...options,
  };
  for (const k of [
    "vocabSize",
    "hiddenSize",
    "intermediateSize",
    "numHiddenLayers",
    "numAttentionHeads",
    "numKeyValueHeads",
    "maxPositionEmbeddings",
  ] as const) {
    positiveInt(k, c[k]);
  }
  if (c.hiddenSize % c.numAttentionHeads !== 0 || (c.hiddenSize / c.numAttentionHeads) % 2 !== 0) {
    throw new RangeError(
      `llamaConfig(): hiddenSize must be an even multiple of numAttentionHeads (${c.numAttentionHeads}), got ${c.hiddenSize}`,
    );
  }
  if (c.numAttentionHeads % c.numKeyValueHeads !== 0) {
    throw new RangeError(
      `llamaConfig(): numKeyValueHeads must divide numAttentionHeads (${c.numAttentionHeads}), got ${c.numKeyValueHeads}`,
    );
  }
  if (!(c.rmsNormEps > 0))
    throw new RangeError(`llamaConfig(): rmsNormEps must be positive, got ${c.rmsNormEps}`);
  if (!(c.ropeTheta > 0))
    throw new RangeError(`llamaConfig(): ropeTheta must be positive, got ${c.ropeTheta}`);
  if (c.tokenizer && c.tokenizer.nTokens !== c.vocabSize) {
    throw new RangeError(
      `llamaConfig(): tokenizer.nTokens must equal vocabSize (${c.vocabSize}), got ${c.tokenizer.nTokens}`,
    );
  }
  return c;
}

/** Head size D = hiddenSize / numAttentionHeads. */
export function headDim(c: LlamaConfig): number {
  return c.hiddenSize / c.numAttentionHeads;
}

/** The `config.json` object: `transformers.LlamaConfig.from_dict` reads it unchanged. */
export function toConfigJson(c: LlamaConfig): Record<string, unknown> {
  const json: Record<string, unknown> = {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    num_key_value_heads: c.numKeyValueHeads,
    head_dim: headDim(c),
    hidden_act: "silu",
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    rope_scaling: null,
    max_position_embeddings: c.maxPositionEmbeddings,
    tie_word_embeddings: c.tieWordEmbeddings,
    attention_bias: false,
    attention_dropout: 0,
    mlp_bias: false,
    initializer_range: 0.02,
    torch_dtype: "float32",
  };
  const t = c.tokenizer;
  if (t) {
    json.pad_token_id = 0;
    json.eos_token_id = 1;
    json.chronos_config = {
      tokenizer_class: t.tokenizerClass ?? DEFAULT_TOKENIZER_CLASS,
      tokenizer_kwargs: {
        low_limit: t.lowLimit,
        high_limit: t.highLimit,
        ...(t.minScale !== undefined && { min_scale: t.minScale }),
      },
      n_tokens: t.nTokens,
      n_special_tokens: t.nSpecialTokens,
      pad_token_id: 0,
      eos_token_id: 1,
      use_eos_token: t.useEosToken,
      model_type: "causal",
      context_length: t.contextLength,
      prediction_length: t.predictionLength,
      ...samplingToChronosConfig(c.sampling),
    };
  }
  return json;
}

/** Parses a `config.json` object (as written by {@link toConfigJson} or by `transformers`). */
export function fromConfigJson(json: Record<string, unknown>): LlamaConfig {
  if (json.model_type !== "llama") {
    throw new RangeError(
      `fromConfigJson(): model_type must be "llama", got ${JSON.stringify(json.model_type)}`,
    );
  }
  const n = (k: string, d?: number): number =>
    json[k] === undefined || json[k] === null ? (d as number) : (json[k] as number);
  const heads = n("num_attention_heads");
  const cc = json.chronos_config as Record<string, unknown> | undefined;
  const sampling = cc ? samplingFromChronosConfig(cc) : {};
  return llamaConfig({
    vocabSize: n("vocab_size"),
    hiddenSize: n("hidden_size"),
    intermediateSize: n("intermediate_size"),
    numHiddenLayers: n("num_hidden_layers"),
    numAttentionHeads: heads,
    numKeyValueHeads: n("num_key_value_heads", heads),
    rmsNormEps: n("rms_norm_eps", 1e-6),
    ropeTheta: n("rope_theta", 10000),
    maxPositionEmbeddings: n("max_position_embeddings", 2048),
    tieWordEmbeddings: json.tie_word_embeddings === true,
    tokenizer: cc ? tokenizerSettingsFromJson(cc) : undefined,
    ...(Object.keys(sampling).length > 0 && { sampling }),
  });
}

/**
 * The tokenizer settings of a `chronos_config` object (Chronos's keys; `model_type: "seq2seq"`
 * for a Chronos T5, whose contexts end with EOS).
 */
export function tokenizerSettingsFromJson(cc: Record<string, unknown>): TokenizerSettings {
  const kw = (cc.tokenizer_kwargs ?? {}) as Record<string, number>;
  return {
    ...(typeof cc.tokenizer_class === "string" && { tokenizerClass: cc.tokenizer_class }),
    nTokens: cc.n_tokens as number,
    nSpecialTokens: cc.n_special_tokens as number,
    lowLimit: kw.low_limit,
    highLimit: kw.high_limit,
    ...(kw.min_scale !== undefined && { minScale: kw.min_scale }),
    useEosToken: cc.use_eos_token as boolean,
    contextLength: cc.context_length as number,
    predictionLength: cc.prediction_length as number,
    ...(cc.model_type === "seq2seq" && { modelType: "seq2seq" as const }),
  };
}
