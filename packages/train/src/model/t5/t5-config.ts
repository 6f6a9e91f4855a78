// The configuration of a T5 encoder-decoder (`transformers.T5Config`) in camelCase, read from and
// written back to `config.json`. `feed_forward_proj` is split as `T5Config.__init__` does:
// "relu" → DenseReluDense (wi, wo); "gated-gelu" → gated, with `gelu_new` (the tanh approximation).

/** Architecture of a T5 model (Chronos = `T5ForConditionalGeneration`). */
export interface T5Config {
  vocabSize: number;
  /** Hidden size C (`d_model`). */
  dModel: number;
  /** Head size D (`d_kv`); attention's inner size is numHeads · dKv (need not be dModel). */
  dKv: number;
  /** Feed-forward size (`d_ff`). */
  dFf: number;
  numLayers: number;
  numDecoderLayers: number;
  numHeads: number;
  relativeAttentionNumBuckets: number;
  relativeAttentionMaxDistance: number;
  layerNormEpsilon: number;
  /** `feed_forward_proj` as given ("relu", "gated-gelu", "gated-relu", …). */
  feedForwardProj: string;
  /** True for "gated-…" (T5DenseGatedActDense: wi_0, wi_1, wo). */
  isGated: boolean;
  /** `dense_act_fn`: "relu" or "gelu_new". */
  denseActFn: "relu" | "gelu_new";
  tieWordEmbeddings: boolean;
  decoderStartTokenId: number;
  padTokenId: number;
  eosTokenId: number;
  /** The config.json object this was read from (keeps `chronos_config` and unknown keys). */
  raw: Record<string, unknown>;
}

function positiveInt(key: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new RangeError(
      `t5ConfigFromJson(): ${key} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  return value;
}

function nonNegativeInt(key: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
    throw new RangeError(
      `t5ConfigFromJson(): ${key} must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** `dense_act_fn` and `is_gated_act` of a `feed_forward_proj`, as `T5Config.__init__` derives them. */
function feedForward(proj: unknown): { isGated: boolean; denseActFn: "relu" | "gelu_new" } {
  const parts = typeof proj === "string" ? proj.split("-") : [];
  const isGated = parts[0] === "gated";
  const valid = parts.length === 1 || (parts.length === 2 && isGated);
  let act = parts[parts.length - 1];
  if (proj === "gated-gelu") act = "gelu_new"; // transformers' backwards-compatibility rule
  if (!valid || (act !== "relu" && act !== "gelu_new")) {
    throw new RangeError(
      `t5ConfigFromJson(): feed_forward_proj must be "relu", "gated-gelu", "gated-relu" or "gelu_new", got ${JSON.stringify(proj)}`,
    );
  }
  return { isGated, denseActFn: act };
}

/**
 * Reads a T5 `config.json` object; HF defaults where a key is absent (`num_decoder_layers` =
 * `num_layers`, `tie_word_embeddings` true, 32 buckets, max distance 128, eps 1e-6, relu).
 * @example const config = t5ConfigFromJson(JSON.parse(readFileSync("config.json", "utf8")));
 */
export function t5ConfigFromJson(json: Record<string, unknown>): T5Config {
  if (json === null || typeof json !== "object")
    throw new TypeError(`t5ConfigFromJson(): json must be an object, got ${String(json)}`);
  if (json.model_type !== undefined && json.model_type !== "t5") {
    throw new RangeError(
      `t5ConfigFromJson(): model_type must be "t5", got ${JSON.stringify(json.model_type)}`,
    );
  }
  const get = (key: string, fallback: unknown) =>
    json[key] === undefined || json[key] === null ? fallback : json[key];
  const numLayers = positiveInt("num_layers", get("num_layers", 6));
  const eps = get("layer_norm_epsilon", 1e-6);
  if (typeof eps !== "number" || !(eps > 0))
    throw new RangeError(
      `t5ConfigFromJson(): layer_norm_epsilon must be positive, got ${JSON.stringify(eps)}`,
    );
  const tie = get("tie_word_embeddings", true);
  if (typeof tie !== "boolean")
    throw new RangeError(
      `t5ConfigFromJson(): tie_word_embeddings must be a boolean, got ${JSON.stringify(tie)}`,
    );
  const feedForwardProj = get("feed_forward_proj", "relu") as string;
  const padTokenId = nonNegativeInt("pad_token_id", get("pad_token_id", 0));
  const buckets = positiveInt(
    "relative_attention_num_buckets",
    get("relative_attention_num_buckets", 32),
  );
  return {
    vocabSize: positiveInt("vocab_size", get("vocab_size", 32128)),
    dModel: positiveInt("d_model", get("d_model", 512)),
    dKv: positiveInt("d_kv", get("d_kv", 64)),
    dFf: positiveInt("d_ff", get("d_ff", 2048)),
    numLayers,
    numDecoderLayers: positiveInt("num_decoder_layers", get("num_decoder_layers", numLayers)),
    numHeads: positiveInt("num_heads", get("num_heads", 8)),
    relativeAttentionNumBuckets: buckets,
    relativeAttentionMaxDistance: positiveInt(
      "relative_attention_max_distance",
      get("relative_attention_max_distance", 128),
    ),
    layerNormEpsilon: eps,
    feedForwardProj,
    ...feedForward(feedForwardProj),
    tieWordEmbeddings: tie,
    decoderStartTokenId: nonNegativeInt(
      "decoder_start_token_id",
      get("decoder_start_token_id", padTokenId),
    ),
    padTokenId,
    eosTokenId: nonNegativeInt("eos_token_id", get("eos_token_id", 1)),
    raw: json,
  };
}

/**
 * A config from the fields that matter to tests and fresh models (the rest defaulted as HF does).
 * @example t5Config({ vocab_size: 16, d_model: 8, d_kv: 4, d_ff: 12, num_layers: 1, num_heads: 2 })
 */
export const t5Config = (json: Record<string, unknown>): T5Config =>
  t5ConfigFromJson({ model_type: "t5", ...json });

/** The config.json object: the raw json read, with the architecture fields of `config`. */
export function t5ConfigToJson(c: T5Config): Record<string, unknown> {
  return {
    architectures: ["T5ForConditionalGeneration"],
    ...c.raw,
    model_type: "t5",
    vocab_size: c.vocabSize,
    d_model: c.dModel,
    d_kv: c.dKv,
    d_ff: c.dFf,
    num_layers: c.numLayers,
    num_decoder_layers: c.numDecoderLayers,
    num_heads: c.numHeads,
    relative_attention_num_buckets: c.relativeAttentionNumBuckets,
    relative_attention_max_distance: c.relativeAttentionMaxDistance,
    layer_norm_epsilon: c.layerNormEpsilon,
    feed_forward_proj: c.feedForwardProj,
    is_encoder_decoder: true,
    tie_word_embeddings: c.tieWordEmbeddings,
    decoder_start_token_id: c.decoderStartTokenId,
    pad_token_id: c.padTokenId,
    eos_token_id: c.eosTokenId,
  };
}
