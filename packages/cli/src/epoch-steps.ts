// `--epochs E` as optimizer steps: one epoch is as many windows as the training part of the split
// holds — the split `finetune()` will use, asked of the same `finetuneSplit` with the same options.

/** ⌈epochs × training windows / batch size⌉ (at least 1). */
export function epochSteps(trainWindows: number, epochs: number, batchSize: number): number {
  return Math.max(1, Math.ceil((epochs * trainWindows) / batchSize));
}
