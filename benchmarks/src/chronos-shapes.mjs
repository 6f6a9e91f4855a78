// The published Chronos-T5 shapes (amazon/chronos-t5-{tiny,mini,small,base,large} config.json:
// relu feed-forward, vocabulary 4096, tied embeddings, 32 position buckets, max distance 128) and a
// random training batch of Chronos's layout: a context of token ids + EOS on the encoder, the
// prediction's ids + EOS as labels, the decoder input their right shift (`_shift_right`).
import { Random } from "@kairos/lora";
import { shiftRight, t5Config } from "@kairos/train";

/** d_model, d_ff, layers (encoder = decoder), heads of each size; d_kv is 64 in all. */
export const CHRONOS_T5_SIZES = {
  tiny: { d_model: 256, d_ff: 1024, num_layers: 4, num_heads: 4 },
  mini: { d_model: 384, d_ff: 1536, num_layers: 4, num_heads: 8 },
  small: { d_model: 512, d_ff: 2048, num_layers: 6, num_heads: 8 },
  base: { d_model: 768, d_ff: 3072, num_layers: 12, num_heads: 12 },
  large: { d_model: 1024, d_ff: 4096, num_layers: 24, num_heads: 16 },
};

/** Chronos's context and prediction lengths (the encoder and decoder then add an EOS each). */
export const CHRONOS_LENGTHS = { contextLength: 512, predictionLength: 64 };

/** Chronos's special tokens: PAD 0 (also the decoder start), EOS 1; value tokens from 2. */
const [PAD, EOS, FIRST_VALUE] = [0, 1, 2];

/**
 * The T5Config of a Chronos-T5 size; `overrides` (config.json keys) replace its fields, e.g.
 * `{ num_layers: 1, num_decoder_layers: 1 }` for one block of each stack.
 */
export function chronosT5Config(size, overrides = {}) {
  const shape = CHRONOS_T5_SIZES[size];
  if (!shape) {
    throw new RangeError(
      `chronosT5Config(): size must be one of ${Object.keys(CHRONOS_T5_SIZES).join(", ")}, got ${JSON.stringify(size)}`,
    );
  }
  return t5Config({
    vocab_size: 4096,
    d_kv: 64,
    ...shape,
    feed_forward_proj: "relu",
    tie_word_embeddings: true,
    relative_attention_num_buckets: 32,
    relative_attention_max_distance: 128,
    pad_token_id: PAD,
    eos_token_id: EOS,
    decoder_start_token_id: PAD,
    ...overrides,
  });
}

/**
 * A `Seq2SeqBatch` of uniformly random value tokens: encoder length contextLength + 1, decoder
 * length predictionLength + 1 (EOS last in both), no padding.
 */
export function chronosBatch({ batchSize, contextLength, predictionLength, vocabSize, seed = 0 }) {
  const rng = new Random(seed);
  const [Te, Td] = [contextLength + 1, predictionLength + 1];
  const token = () => FIRST_VALUE + rng.int(vocabSize - FIRST_VALUE);
  const inputIds = Int32Array.from({ length: batchSize * Te }, (_, i) =>
    i % Te === Te - 1 ? EOS : token(),
  );
  const labels = Int32Array.from({ length: batchSize * Td }, (_, i) =>
    i % Td === Td - 1 ? EOS : token(),
  );
  return {
    inputIds,
    decoderInputIds: shiftRight(labels, batchSize, PAD, PAD),
    labels,
    batchSize,
    encoderLength: Te,
    decoderLength: Td,
  };
}
