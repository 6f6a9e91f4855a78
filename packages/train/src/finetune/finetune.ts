// `finetune(...)`: LoRA fine-tuning of a pretrained model on one long history. The history is cut
// into windows and split along time by `@kairos/chunking` (validation after training, no leakage),
// windows are tokenized with the model's own tokenizer settings, and a {@link Trainer} trains only
// the adapters, optionally under a byte budget on activations (`memoryBudget`).
import { splitByTime } from "@kairos/chunking";
import type { Backend } from "@kairos/lora";
import type { TokenBatch } from "../model/batch.js";
import type { LlamaModel } from "../model/llama.js";
import { type MemoryOptions, memoryRunner } from "../train/memory-runner.js";
import { Trainer, type TrainResult } from "../train/trainer.js";
import type { TrainerOptions } from "../train/trainer-options.js";
import { LoraModel, type LoraOptions } from "./lora-model.js";
import { tokenizerFor, windowBatch } from "./token-windows.js";

/** Options of {@link finetune}: LoRA, trainer and data options together. */
export interface FinetuneOptions extends LoraOptions, Omit<TrainerOptions, "seed">, MemoryOptions {
  /** The backend the LoRA layers run on (the model's own backend is used for its matmuls). */
  backend: Backend;
  /** Windows a micro-batch (default 8). */
  batchSize?: number;
  /** Validation part of the history: a fraction in (0, 1) or a step count (default 0.1; 0 = none). */
  validation?: number;
  /** Steps between window starts (default 1). */
  stride?: number;
  /** Shortest context a window may have; shorter ones are left-padded (default min(contextLength, 32)). */
  minContext?: number;
  /** At most this many validation windows, evenly spaced (default 64). */
  maxValidationWindows?: number;
  seed?: number;
}

/** What {@link finetune} returns. */
export interface FinetuneResult {
  /** The model with its trained adapters in place; `lora.adapter()` gives the PEFT adapter. */
  lora: LoraModel;
  result: TrainResult;
  trainer: Trainer;
  /** The planner's predicted activation peak in bytes (null without `memoryBudget`/`checkpointing`). */
  plannedPeakBytes: number | null;
  trainWindows: number;
  validationWindows: number;
}

/**
 * Fine-tunes `model` (frozen; its target projections get LoRA adapters in place) on `series`.
 *
 * @example
 * const { lora, result } = await finetune(model, closes, { backend, steps: 200, rank: 8, evalEvery: 20 });
 * await saveAdapter("runs/spx", lora.adapter("kairos-base-tiny"));
 */
export async function finetune(
  model: LlamaModel,
  series: ArrayLike<number>,
  options: FinetuneOptions,
): Promise<FinetuneResult> {
  const t = model.config.tokenizer;
  if (!t) throw new RangeError("finetune(): model.config.tokenizer must be set, got undefined");
  const {
    backend,
    batchSize = 8,
    validation = 0.1,
    stride = 1,
    minContext = Math.min(t.contextLength, 32),
    maxValidationWindows = 64,
    seed = 0,
    memoryBudget,
    checkpointing,
    targetModules,
    rank,
    alpha,
    dropout,
    useRslora,
    init,
    ...trainerOptions
  } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new RangeError(`finetune(): batchSize must be a positive integer, got ${batchSize}`);
  }
  const values =
    series instanceof Float32Array || series instanceof Float64Array
      ? series
      : Float64Array.from(series);
  const splits = splitByTime(values, {
    contextLength: t.contextLength,
    predictionLength: t.predictionLength,
    validation: validation > 0 ? validation : undefined,
    stride,
    minContext,
  });
  const trainWindows = splits.train.windows;
  if (trainWindows.length === 0) {
    throw new RangeError(
      `finetune(): series must hold at least one training window, got ${values.length} values`,
    );
  }
  const tok = tokenizerFor(t);
  const valWindows = splits.validation.windows;
  const pick = Math.min(valWindows.length, maxValidationWindows);
  const chosen = Array.from({ length: pick }, (_, i) =>
    valWindows.at(Math.floor((i * valWindows.length) / pick)),
  );
  const validationBatches: TokenBatch[] = [];
  for (let i = 0; i < chosen.length; i += batchSize)
    validationBatches.push(windowBatch(tok, t, chosen.slice(i, i + batchSize)));
  const lora = new LoraModel(model, backend, {
    targetModules,
    rank,
    alpha,
    dropout,
    useRslora,
    init,
    seed,
  });
  const data = {
    train: (rng: { int(n: number): number }) =>
      windowBatch(
        tok,
        t,
        Array.from({ length: batchSize }, () => trainWindows.at(rng.int(trainWindows.length))),
      ),
    validation: validationBatches.length > 0 ? validationBatches : undefined,
  };
  const runner = memoryRunner({ memoryBudget, checkpointing }, "finetune()");
  // Plan before the first step, so a budget that cannot fit fails at once with its minimum.
  const probe = windowBatch(
    tok,
    t,
    Array.from({ length: batchSize }, () => trainWindows.at(0)),
  );
  lora.setTraining(false);
  const planned = await runner.prepare(lora.stages(probe), probe.ids);
  const trainer = new Trainer(lora, data, { ...trainerOptions, seed }, runner);
  const result = await trainer.run();
  return {
    lora,
    result,
    trainer,
    plannedPeakBytes: planned,
    trainWindows: trainWindows.length,
    validationWindows: chosen.length,
  };
}
