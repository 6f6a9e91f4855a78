// A T5 encoder-decoder's configuration (`transformers.T5Config`, as Chronos checkpoints write it),
// validated: the fields Kairos reads in camelCase, the raw JSON kept (its `chronos_config`).

/** Architecture of a T5 model. */
export interface T5Config {
  vocabSize: number;
  dModel: number;
  dKv: number;
  dFf: number;
  numLayers: number;
  numDecoderLayers: number;
  numHeads: number;
  relativeAttentionNumBuckets: number;
  relativeAttentionMaxDistance: number;
  layerNormEpsilon: number;
  /** `wo(act(wi x))`, or `wo(act(wi_0 x) ⊙ wi_1 x)` when gated. */
  isGatedAct: boolean;
  denseActFn: "relu" | "gelu_new";
  /** The head is `shared` and the decoder output is scaled by dModel^-0.5 first. */
  tieWordEmbeddings: boolean;
  decoderStartTokenId: number;
  /** The config.json object as read. */
  json: Record<string, unknown>;
}

function int(json: Record<string, unknown>, key: string, fallback?: number): number {
  const v = json[key] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new RangeError(`t5Config(): ${key} must be a non-negative integer, got ${String(v)}`);
  }
  return v;
}

/** Reads a `config.json` object of `model_type: "t5"`; throws naming the bad key and value. */
export function t5ConfigFromJson(json: Record<string, unknown>): T5Config {
  if (json.model_type !== "t5") {
    throw new RangeError(
      `t5Config(): model_type must be "t5", got ${JSON.stringify(json.model_type)}`,
    );
  }
  // transformers: "gated-gelu" means gated gelu_new; otherwise "{act}" or "gated-{act}".
  const proj = json.feed_forward_proj ?? "relu";
  if (typeof proj !== "string") {
    throw new RangeError(`t5Config(): feed_forward_proj must be a string, got ${String(proj)}`);
  }
  const isGatedAct = proj.startsWith("gated-");
  const act = proj === "gated-gelu" ? "gelu_new" : isGatedAct ? proj.slice(6) : proj;
  if (act !== "relu" && act !== "gelu_new") {
    throw new RangeError(
      `t5Config(): feed_forward_proj must be relu, gated-gelu or gated-relu, got ${JSON.stringify(proj)}`,
    );
  }
  const numLayers = int(json, "num_layers");
  const c: T5Config = {
    vocabSize: int(json, "vocab_size"),
    dModel: int(json, "d_model"),
    dKv: int(json, "d_kv"),
    dFf: int(json, "d_ff"),
    numLayers,
    numDecoderLayers: int(json, "num_decoder_layers", numLayers),
    numHeads: int(json, "num_heads"),
    relativeAttentionNumBuckets: int(json, "relative_attention_num_buckets", 32),
    relativeAttentionMaxDistance: int(json, "relative_attention_max_distance", 128),
    layerNormEpsilon: Number(json.layer_norm_epsilon ?? 1e-6),
    isGatedAct,
    denseActFn: act,
    tieWordEmbeddings: json.tie_word_embeddings !== false,
    decoderStartTokenId: int(json, "decoder_start_token_id", 0),
    json,
  };
  if (!(c.layerNormEpsilon > 0)) {
    throw new RangeError(
      `t5Config(): layer_norm_epsilon must be positive, got ${c.layerNormEpsilon}`,
    );
  }
  return c;
}
