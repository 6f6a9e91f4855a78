// `finetune(...)`: LoRA fine-tuning of a pretrained model of any family on one long history, or
// several (one adapter over all of them). Each history is cut into windows and split along time on
// its own by `finetuneSplit` (train | validation | test, no leakage); batches draw from all series'
// windows, made into the model's own batches (its tokenizer's, for a token model), and a
// {@link Trainer} trains only the adapters, optionally under a byte budget on activations
// (`memory.memoryBudget`).
import type { AdaptedModel, ForecastModel, TrainingWindow } from "../family/forecast-model.js";
import { LlamaForecastModel } from "../family/llama-forecast-model.js";
import type { TokenBatch } from "../model/batch.js";
import { LlamaModel } from "../model/llama.js";
import { memoryRunner } from "../train/memory-runner.js";
import { Trainer, type TrainResult } from "../train/trainer.js";
import { checkFinetuneOptions, type FinetuneOptions } from "./finetune-options.js";
import { type FinetuneSplit, finetuneSplit } from "./finetune-split.js";
import type { LoraModel } from "./lora-model.js";
import { windowPool } from "./window-pool.js";

/** What {@link finetune} returns. */
export interface FinetuneResult<B = TokenBatch> {
  /** The model's adapters, trained and in place; `lora.adapter()` gives the PEFT adapter. */
  lora: AdaptedModel<B>;
  /** The model fine-tuned (its adapters in place): forecasts with them. */
  model: ForecastModel<B>;
  result: TrainResult;
  trainer: Trainer<B>;
  /** The planner's predicted activation peak in bytes (null without a memory budget or strategy). */
  plannedPeakBytes: number | null;
  /** The time split trained, validated and held out for testing: ranges and windows of each part. */
  split: FinetuneSplit<Float32Array | Float64Array>;
  /** One split a series, in the order given (`splits[0]` is `split`). */
  splits: FinetuneSplit<Float32Array | Float64Array>[];
  /** Validation windows evaluated: the split's, evenly thinned to `data.maxValidationWindows`. */
  validationWindows: number;
}

/** A window as it is, or its target NaN-padded to `length` steps (missing: no loss there). */
function withTargetLength(length: number) {
  return (w: TrainingWindow): TrainingWindow => {
    if (w.target.length >= length) return w;
    const target = new Float64Array(length).fill(Number.NaN);
    target.set(w.target);
    return { ...w, target };
  };
}

/** Several series, as opposed to one given as a plain number array. */
function isSeriesList(
  series: ArrayLike<number> | readonly ArrayLike<number>[],
): series is readonly ArrayLike<number>[] {
  return Array.isArray(series) && series.length > 0 && typeof series[0] !== "number";
}

const asValues = (s: ArrayLike<number>) =>
  s instanceof Float32Array || s instanceof Float64Array ? s : Float64Array.from(s);

/**
 * Fine-tunes `model` (frozen; its target projections get LoRA adapters in place) on `series`: one
 * history, or an array of them (each split by time on its own, windows drawn from all). `model` is
 * a {@link ForecastModel} of any family, or a LlamaModel (a Llama forecaster).
 *
 * @example
 * const { lora, result, split } = await finetune(model, closes, {
 *   backend,
 *   lora: { rank: 8, alpha: 16 },
 *   trainer: { steps: 200, evalEvery: 20 },
 *   memory: { memoryBudget: "64MB" },
 *   data: { batchSize: 8, validation: 0.1 },
 * });
 * await saveAdapter("runs/spx", lora.adapter("kairos-base-tiny"));
 */
export async function finetune(
  base: LlamaModel,
  series: ArrayLike<number> | readonly ArrayLike<number>[],
  options: FinetuneOptions,
): Promise<FinetuneResult & { lora: LoraModel }>;
export async function finetune<B>(
  base: ForecastModel<B>,
  series: ArrayLike<number> | readonly ArrayLike<number>[],
  options: FinetuneOptions,
): Promise<FinetuneResult<B>>;
export async function finetune<B = TokenBatch>(
  base: ForecastModel<B> | LlamaModel,
  series: ArrayLike<number> | readonly ArrayLike<number>[],
  options: FinetuneOptions,
): Promise<FinetuneResult<B>> {
  if (base instanceof LlamaModel && !base.config.tokenizer)
    throw new RangeError("finetune(): model.config.tokenizer must be set, got undefined");
  const model = (
    base instanceof LlamaModel ? new LlamaForecastModel(base) : base
  ) as ForecastModel<B>;
  const settings = model.window;
  checkFinetuneOptions(options);
  const { backend, seed = 0, lora: loraOptions, trainer: trainerOptions, memory = {} } = options;
  const { batchSize = 8, maxValidationWindows = 64, ...splitOptions } = options.data ?? {};
  const list = isSeriesList(series) ? series.map(asValues) : [asValues(series)];
  const splits = list.map((values, i) =>
    finetuneSplit(
      values,
      settings,
      splitOptions,
      list.length > 1 ? `finetune() series[${i}]` : "finetune()",
    ),
  );
  const split = splits[0];
  // Windows with fewer target steps than the model predicts get NaN past them: masked labels.
  const full = withTargetLength(settings.predictionLength);
  const trainWindows = windowPool(splits.map((s) => s.train.windows));
  // A shorter --context-length makes shorter sequences (fewer positions, less compute).
  const context = split.contextLength;
  const valWindows = windowPool(splits.map((s) => s.validation.windows));
  const pick = Math.min(valWindows.length, maxValidationWindows);
  const chosen = Array.from({ length: pick }, (_, i) =>
    valWindows.at(Math.floor((i * valWindows.length) / pick)),
  );
  const validationBatches: B[] = [];
  for (let i = 0; i < chosen.length; i += batchSize)
    validationBatches.push(model.batch(chosen.slice(i, i + batchSize).map(full), context));
  const lora = model.withLora(backend, { ...loraOptions, seed });
  const data = {
    train: (rng: { int(n: number): number }) =>
      model.batch(
        Array.from({ length: batchSize }, () =>
          full(trainWindows.at(rng.int(trainWindows.length))),
        ),
        context,
      ),
    validation: validationBatches.length > 0 ? validationBatches : undefined,
  };
  const runner = memoryRunner(memory, "finetune()");
  // Plan before the first step, so a budget that cannot fit fails at once with its minimum.
  const probe = model.batch(
    Array.from({ length: batchSize }, () => full(trainWindows.at(0))),
    context,
  );
  lora.setTraining(false);
  const input = lora.chainInput ? lora.chainInput(probe) : (probe as TokenBatch).ids;
  const planned = await runner.prepare(lora.stages(probe), input);
  const trainer = new Trainer<B>(lora, data, { ...trainerOptions, seed }, runner);
  if (options.resume) trainer.restore(options.resume);
  const result = await trainer.run();
  return {
    lora,
    model,
    result,
    trainer,
    plannedPeakBytes: planned,
    split,
    splits,
    validationWindows: chosen.length,
  };
}
