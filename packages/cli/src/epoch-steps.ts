// `--epochs E` as optimizer steps: one epoch is as many windows as the training split holds, cut
// by @kairos/chunking's `splitByTime` with the settings `finetune` uses by default.

import { splitByTime } from "@kairos/chunking";
import type { TokenizerSettings } from "@kairos/train";

/** ⌈epochs × training windows / batch size⌉ (at least 1). */
export function epochSteps(
  values: Float64Array,
  tokenizer: TokenizerSettings,
  epochs: number,
  batchSize: number,
  validation = 0.1,
): number {
  const { train } = splitByTime(values, {
    contextLength: tokenizer.contextLength,
    predictionLength: tokenizer.predictionLength,
    validation,
    minContext: Math.min(tokenizer.contextLength, 32),
  });
  return Math.max(1, Math.ceil((epochs * train.windows.length) / batchSize));
}
