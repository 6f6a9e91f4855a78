// The published Chronos-T5 shapes (amazon/chronos-t5-{tiny,mini,small,base,large} config.json:
// relu feed-forward, vocabulary 4096, tied embeddings, 32 position buckets, max distance 128) and a
// random training batch of Chronos's layout: a context of token ids + EOS on the encoder, the
// prediction's ids + EOS as labels, the decoder input their right shift (`_shift_right`). Also the
// published Chronos-Bolt shapes (amazon/chronos-bolt-{tiny,mini,small,base}: the same T5 cores,
// vocabulary 2, patches of 16 with [REG], 9 quantiles of 64 steps) and a random batch of series.
import { Random } from "@kairos/lora";
import { boltBatch, boltConfig, shiftRight, t5Config } from "@kairos/train";

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
 * The config.json fields of the T5 core of `size` in `sizes` (both families' cores share all
 * but the shape and vocabulary), with `overrides` last.
 */
function coreFields(fn, sizes, size, overrides) {
  const shape = sizes[size];
  if (!shape) {
    throw new RangeError(
      `${fn}: size must be one of ${Object.keys(sizes).join(", ")}, got ${JSON.stringify(size)}`,
    );
  }
  return {
    d_kv: 64,
    ...shape,
    feed_forward_proj: "relu",
    relative_attention_num_buckets: 32,
    relative_attention_max_distance: 128,
    pad_token_id: PAD,
    eos_token_id: EOS,
    decoder_start_token_id: PAD,
    ...overrides,
  };
}

/**
 * The T5Config of a Chronos-T5 size; `overrides` (config.json keys) replace its fields, e.g.
 * `{ num_layers: 1, num_decoder_layers: 1 }` for one block of each stack.
 */
export function chronosT5Config(size, overrides = {}) {
  const fields = { vocab_size: 4096, tie_word_embeddings: true, ...overrides };
  return t5Config(coreFields("chronosT5Config()", CHRONOS_T5_SIZES, size, fields));
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

/** d_model, d_ff, layers (encoder = decoder), heads of each Chronos-Bolt size; d_kv is 64 in all. */
export const CHRONOS_BOLT_SIZES = {
  tiny: { d_model: 256, d_ff: 1024, num_layers: 4, num_heads: 4 },
  mini: { d_model: 384, d_ff: 1536, num_layers: 4, num_heads: 8 },
  small: { d_model: 512, d_ff: 2048, num_layers: 6, num_heads: 8 },
  base: { d_model: 768, d_ff: 3072, num_layers: 12, num_heads: 12 },
};

/** The published `chronos_config` of every Chronos-Bolt size. */
const BOLT_CHRONOS_CONFIG = {
  context_length: 2048,
  input_patch_size: 16,
  input_patch_stride: 16,
  prediction_length: 64,
  quantiles: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
  use_reg_token: true,
};

/**
 * The BoltConfig of a Chronos-Bolt size; `overrides` (config.json keys of the T5 core) replace its
 * fields, e.g. `{ num_layers: 1, num_decoder_layers: 1 }`; `chronosOverrides` its chronos_config's.
 */
export function chronosBoltConfig(size, overrides = {}, chronosOverrides = {}) {
  const fields = { vocab_size: 2, ...overrides };
  const core = coreFields("chronosBoltConfig()", CHRONOS_BOLT_SIZES, size, fields);
  return boltConfig(core, { ...BOLT_CHRONOS_CONFIG, ...chronosOverrides });
}

/**
 * A `BoltBatch` of seeded random walks around 100 (steps uniform in ±1, about 1% of values NaN):
 * `batchSize` contexts of `contextLength` values, each followed by a target of the config's
 * prediction length.
 */
export function chronosBoltBatch(config, { batchSize, contextLength, seed = 0 }) {
  const rng = new Random(seed);
  const H = config.predictionLength;
  const contexts = [];
  const targets = [];
  for (let b = 0; b < batchSize; b++) {
    let level = 100;
    const walk = Array.from({ length: contextLength + H }, () => {
      level += 2 * rng.uniform() - 1;
      return rng.uniform() < 0.01 ? Number.NaN : level;
    });
    contexts.push(walk.slice(0, contextLength));
    targets.push(walk.slice(contextLength));
  }
  return boltBatch(config, contexts, targets);
}
