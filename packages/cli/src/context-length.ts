// `--context-length <n>`: the values a window or a forecast sees, up to the model's own context
// length (its config's `chronos_config.context_length`); a longer one is refused naming the limit.
// `--prediction-length <n>` likewise: the target steps a fine-tuning window holds.

import type { WindowShape } from "@kairos/train";
import { UsageError } from "./usage-error.js";

/**
 * `flag`, or the model's context length when not given.
 *
 * @example
 * contextLength(64, model.window); // 64
 * contextLength(512, model.window); // UsageError: --context-length must be at most the model's context length 128, got 512
 */
export function contextLength(flag: number | undefined, tokenizer: WindowShape): number {
  const limit = tokenizer.contextLength;
  if (flag === undefined) return limit;
  if (flag > limit) {
    throw new UsageError(
      `--context-length must be at most the model's context length ${limit}, got ${flag}`,
    );
  }
  return flag;
}

/**
 * `flag`, or the model's prediction length when not given.
 *
 * @example
 * predictionLength(12, model.window); // 12
 * predictionLength(80, model.window); // UsageError: --prediction-length must be at most the model's prediction length 64, got 80
 */
export function predictionLength(flag: number | undefined, tokenizer: WindowShape): number {
  const limit = tokenizer.predictionLength;
  if (flag === undefined) return limit;
  if (flag > limit || flag < 1) {
    throw new UsageError(
      `--prediction-length must be at least 1 and at most the model's prediction length ${limit}, got ${flag}`,
    );
  }
  return flag;
}
