// Tiny T5 configs and batches for tests: 2 encoder and 2 decoder blocks, 2 heads whose inner size
// (6) differs from d_model (8), 8 buckets with max distance 6 (so short offsets reach the log buckets).
import type { Seq2SeqBatch } from "../../src/model/t5/seq2seq-batch.js";
import { t5Config } from "../../src/model/t5/t5-config.js";
import { initT5Parameters } from "../../src/model/t5/t5-parameters.js";

/** A tiny config; `gated` picks "gated-gelu", `tied` ties the LM head to `shared`. */
export function tinyT5Config(gated: boolean | "plain-gelu", tied: boolean) {
  return t5Config({
    vocab_size: 13,
    d_model: 8,
    d_kv: 3,
    d_ff: 10,
    num_layers: 2,
    num_decoder_layers: 2,
    num_heads: 2,
    relative_attention_num_buckets: 8,
    relative_attention_max_distance: 6,
    feed_forward_proj: gated === "plain-gelu" ? "gelu_new" : gated ? "gated-gelu" : "relu",
    tie_word_embeddings: tied,
  });
}

/** Weights large enough that every path carries gradient well above float32 noise. */
export function tinyT5Weights(config: ReturnType<typeof tinyT5Config>, seed = 3) {
  const w = initT5Parameters(config, seed, 0.4);
  for (const [k, t] of w)
    if (k.endsWith("layer_norm.weight"))
      for (let i = 0; i < t.length; i++) t[i] = 1 + 0.1 * Math.sin(i + 1);
  return w;
}

/** Two sequences: 5 encoder positions (the second padded at the end), 4 decoder positions. */
export const tinySeq2SeqBatch: Seq2SeqBatch = {
  inputIds: Int32Array.from([2, 5, 7, 1, 9, 3, 12, 6, 0, 0]),
  attentionMask: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]),
  decoderInputIds: Int32Array.from([0, 4, 8, 11, 0, 10, 3, 5]),
  labels: Int32Array.from([4, 8, 11, 1, 10, 3, -100, -100]),
  batchSize: 2,
  encoderLength: 5,
  decoderLength: 4,
};
