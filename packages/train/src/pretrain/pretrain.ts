// Pretraining a base model from scratch on synthetic series (the transfer-learning half): windows
// cut at random from KernelSynth-style series, tokenized as the model's tokenizer settings say,
// every weight trained with AdamW. All randomness comes from the trainer's generator, so a run
// resumed from a checkpoint takes the same steps as an uninterrupted one.

import type { Random } from "@kairos/lora";
import { sequenceLength, type TrainingWindow, windowBatch } from "../finetune/token-windows.js";
import type { LlamaConfig } from "../model/config.js";
import { LlamaModel } from "../model/llama.js";
import type { MatmulBackend } from "../model/matmul.js";
import { initParameters } from "../model/parameters.js";
import { tokenizerFor } from "../model/tokenizer-registry.js";
import { Trainer, type TrainerCheckpoint, type TrainResult } from "../train/trainer.js";
import type { StepInfo, TrainerOptions } from "../train/trainer-options.js";
import { FullModel } from "./full-model.js";
import { type SyntheticOptions, syntheticSeries } from "./synthetic-series.js";

/** The data mix of {@link syntheticWindow} and {@link pretrain}: {@link SyntheticOptions} but the seed. */
export type SyntheticMix = Omit<SyntheticOptions, "seed">;

/** Progress after each step: the trainer's report plus tokens seen and time. */
export interface PretrainProgress extends StepInfo {
  tokens: number;
  elapsedMs: number;
}

/** Options of {@link pretrain}. */
export interface PretrainOptions
  extends Pick<
    TrainerOptions,
    "steps" | "lr" | "minLr" | "warmupSteps" | "weightDecay" | "maxGradNorm" | "seed" | "beta2"
  > {
  /** Architecture; must carry `tokenizer` settings. */
  config: LlamaConfig;
  backend: MatmulBackend;
  /** Windows a step. */
  batchSize: number;
  /** Synthetic series lengths (default [128, 192, 256]); `synthetic.lengths` wins when both are set. */
  seriesLengths?: number[];
  /** Families, frequencies and lengths of the synthetic series (default the generators' defaults). */
  synthetic?: SyntheticMix;
  /** Start from these weights instead of a fresh init (with `resume`). */
  weights?: Map<string, Float32Array>;
  /** Continue from a checkpoint of an earlier run. */
  resume?: TrainerCheckpoint;
  onProgress?: (p: PretrainProgress) => void;
  /**
   * Return once this many steps are done in all (default `steps`): the schedule still spans
   * `steps`, so a long run can go in chunks, each resumed from the last one's checkpoint
   * (a run that stops early hands `onCheckpoint` one at its last step).
   */
  stopAfter?: number;
  /** Every this many steps, hand a checkpoint to `onCheckpoint` (0 = never). */
  checkpointEvery?: number;
  onCheckpoint?: (checkpoint: TrainerCheckpoint, model: LlamaModel) => void | Promise<void>;
}

/**
 * Draws one pretraining window from a fresh synthetic series seeded from `rng`: a random cut
 * with at least 16 context values (fewer for short series) and `predictionLength` target values.
 * `mix` is the series' lengths (the older form) or a whole {@link SyntheticMix}.
 *
 * @example
 * const { context, target } = syntheticWindow(new Random(1), config, { families: { price: 1 } });
 */
export function syntheticWindow(
  rng: Random,
  config: LlamaConfig,
  mix?: number[] | SyntheticMix,
): TrainingWindow {
  const t = config.tokenizer as NonNullable<LlamaConfig["tokenizer"]>;
  const options = Array.isArray(mix) ? { lengths: mix } : mix;
  const series = syntheticSeries({ ...options, seed: rng.nextUint32() }).next()
    .value as Float64Array;
  const H = t.predictionLength;
  const minContext = Math.min(16, Math.max(1, series.length - H));
  const cut = minContext + rng.int(Math.max(1, series.length - H - minContext + 1));
  return {
    context: series.subarray(Math.max(0, cut - t.contextLength), cut),
    target: series.subarray(cut, cut + H),
  };
}

/**
 * Trains a fresh (or resumed) model on synthetic series.
 *
 * @example
 * const { model } = await pretrain({ config, backend, steps: 1000, batchSize: 8, lr: 3e-3 });
 */
export async function pretrain(
  options: PretrainOptions,
): Promise<{ model: LlamaModel; result: TrainResult; tokens: number }> {
  const { config, backend } = options;
  const t = config.tokenizer;
  if (!t) throw new RangeError("pretrain(): config.tokenizer must be set, got undefined");
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) {
    throw new RangeError(
      `pretrain(): batchSize must be a positive integer, got ${options.batchSize}`,
    );
  }
  const stop = options.stopAfter ?? options.steps;
  if (!Number.isInteger(stop) || stop <= 0 || stop > options.steps) {
    throw new RangeError(
      `pretrain(): stopAfter must be an integer in [1, steps = ${options.steps}], got ${stop}`,
    );
  }
  const model = new LlamaModel(
    config,
    options.weights ?? initParameters(config, options.seed ?? 0),
    { backend, trainable: true },
  );
  const tok = tokenizerFor(t);
  const mix: SyntheticMix = {
    ...options.synthetic,
    lengths: options.synthetic?.lengths ?? options.seriesLengths,
  };
  const tokensPerStep = options.batchSize * sequenceLength(t);
  const start = Date.now();
  const losses: number[] = [];
  const trainer: Trainer = new Trainer(
    new FullModel(model),
    {
      train: (rng) =>
        windowBatch(
          tok,
          t,
          Array.from({ length: options.batchSize }, () => syntheticWindow(rng, config, mix)),
        ),
    },
    {
      steps: options.steps,
      lr: options.lr ?? 3e-3,
      minLr: options.minLr ?? 0,
      warmupSteps: options.warmupSteps ?? 0,
      weightDecay: options.weightDecay ?? 0.1,
      maxGradNorm: options.maxGradNorm ?? 1,
      beta2: options.beta2 ?? 0.95,
      seed: options.seed ?? 0,
      onStep: (info) => {
        losses.push(info.loss);
        options.onProgress?.({
          ...info,
          tokens: info.step * tokensPerStep,
          elapsedMs: Date.now() - start,
        });
      },
    },
  );
  if (options.resume) trainer.restore(options.resume);
  const every = options.checkpointEvery ?? 0;
  while (trainer.step < stop) {
    await trainer.trainStep();
    if (every > 0 && trainer.step % every === 0)
      await options.onCheckpoint?.(trainer.checkpoint(), model);
  }
  if (stop < options.steps && !(every > 0 && trainer.step % every === 0))
    await options.onCheckpoint?.(trainer.checkpoint(), model);
  const result: TrainResult =
    stop === options.steps
      ? await trainer.run() // steps already done: returns the record
      : {
          steps: trainer.step,
          losses,
          evalLosses: [],
          bestEvalLoss: null,
          bestStep: null,
          stoppedEarly: false,
        };
  return { model, result, tokens: trainer.step * tokensPerStep };
}
