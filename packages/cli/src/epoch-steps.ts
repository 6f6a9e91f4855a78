// `--epochs E` as optimizer steps: one epoch is as many windows as the training part of the split
// holds — the split `finetune()` will use, asked of the same `finetuneSplit` with the same options.

import { type FinetuneDataOptions, finetuneSplit, type TokenizerSettings } from "@kairos/train";

/** ⌈epochs × training windows / batch size⌉ (at least 1), for `finetune()`'s `data` options. */
export function epochSteps(
  values: Float64Array,
  tokenizer: TokenizerSettings,
  epochs: number,
  data: FinetuneDataOptions & { batchSize: number },
): number {
  const { train } = finetuneSplit(values, tokenizer, data);
  return Math.max(1, Math.ceil((epochs * train.windows.length) / data.batchSize));
}
