// Size tables computed from a layer's config before anything is allocated (llm.c
// `fill_in_activation_sizes`): the same numbers feed allocation checks, the checkpoint
// planner's costs and the memory benchmark. All figures are bytes of float32.

const F32 = 4;

/** Bytes a layer holds and a training step with it keeps alive. */
export interface LayerSizes {
  /** Frozen weights (and bias) the layer reads. */
  frozenBytes: number;
  /** Parameters an optimizer updates. */
  trainableBytes: number;
  /** Their gradients (same size). */
  gradientBytes: number;
  /** AdamW's two moments (exp_avg, exp_avg_sq) for them. */
  adamWStateBytes: number;
  /** What one forward's context keeps for backward, for `rows` rows. */
  contextBytes: number;
  /** The forward output, for `rows` rows. */
  outputBytes: number;
}

/**
 * Sizes of a `LoRALinear` step. The context holds x `[rows, in]` (the caller's buffer, kept alive
 * by the context, so counted) and dropout(x)·Aᵀ `[rows, rank]`; dropout adds no context bytes.
 *
 * @example
 * loraLinearSizes({ inFeatures: 256, outFeatures: 256, rank: 8 }, 4096).trainableBytes; // 16384
 */
export function loraLinearSizes(
  config: { inFeatures: number; outFeatures: number; rank: number; bias?: boolean },
  rows: number,
): LayerSizes {
  const { inFeatures: I, outFeatures: O, rank: K } = config;
  const trainable = K * (I + O) * F32;
  return {
    frozenBytes: (O * I + (config.bias ? O : 0)) * F32,
    trainableBytes: trainable,
    gradientBytes: trainable,
    adamWStateBytes: 2 * trainable,
    contextBytes: rows * (I + K) * F32,
    outputBytes: rows * O * F32,
  };
}

/**
 * Sizes of a `Linear` step, frozen or trainable (full fine-tuning: weight and bias train, the
 * context holds x `[rows, in]` for dW).
 */
export function linearSizes(
  config: { inFeatures: number; outFeatures: number; bias?: boolean; trainable?: boolean },
  rows: number,
): LayerSizes {
  const { inFeatures: I, outFeatures: O } = config;
  const weights = (O * I + (config.bias ? O : 0)) * F32;
  const trainable = config.trainable ? weights : 0;
  return {
    frozenBytes: config.trainable ? 0 : weights,
    trainableBytes: trainable,
    gradientBytes: trainable,
    adamWStateBytes: 2 * trainable,
    contextBytes: config.trainable ? rows * I * F32 : 0,
    outputBytes: rows * O * F32,
  };
}
