// A tiny Chronos-Bolt for tests: the tiny T5 core (2 + 2 blocks, d_model 8, 2 heads of 3), patches
// of 4 every `stride`, context 14 (not a whole number of patches), 3 quantiles, horizon 3, [REG].
import { boltBatch } from "../../src/model/bolt/bolt-batch.js";
import { type BoltConfig, boltConfig } from "../../src/model/bolt/bolt-config.js";
import { initBoltParameters } from "../../src/model/bolt/bolt-parameters.js";

export function tinyBoltConfig(activation: "relu" | "gelu_new" = "relu", stride = 4): BoltConfig {
  return boltConfig(
    {
      d_model: 8,
      d_kv: 3,
      d_ff: 10,
      num_layers: 2,
      num_decoder_layers: 2,
      num_heads: 2,
      relative_attention_num_buckets: 8,
      relative_attention_max_distance: 6,
      feed_forward_proj: activation,
    },
    {
      context_length: 14,
      input_patch_size: 4,
      input_patch_stride: stride,
      prediction_length: 3,
      quantiles: [0.1, 0.5, 0.9],
      use_reg_token: true,
    },
  );
}

/** Weights large enough that every path carries gradient well above float32 noise. */
export function tinyBoltWeights(config: BoltConfig, seed = 3) {
  const w = initBoltParameters(config, seed, 0.4);
  for (const [k, t] of w)
    if (k.endsWith("layer_norm.weight"))
      for (let i = 0; i < t.length; i++) t[i] = 1 + 0.1 * Math.sin(i + 1);
  return w;
}

/** A seasonal row of n values from t0 with level `level`. */
export const seasonal = (n: number, t0: number, level: number) =>
  Array.from({ length: n }, (_, i) => level + 3 * Math.sin((2 * Math.PI * (t0 + i)) / 5) + 0.1 * i);

/** Two windows: row 1 short (NaN-left-padded) with a gap; a NaN and a short target. */
export function tinyBoltBatch(config: BoltConfig) {
  const c0 = seasonal(14, 0, 10);
  const c1 = seasonal(9, 3, -4);
  c1[4] = Number.NaN;
  const t0 = seasonal(3, 14, 10);
  t0[1] = Number.NaN;
  return boltBatch(config, [c0, c1], [t0, seasonal(2, 12, -4)], 14);
}
