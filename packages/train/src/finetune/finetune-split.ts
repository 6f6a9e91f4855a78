// The time split fine-tuning trains, validates and tests on, decided in one place: `finetune()`
// cuts its windows with it and returns it, and a caller that must know the split before training
// (how many steps an epoch is, how long a series must be, which tail to score) asks the same
// function with the same options. Train | validation | test along time, no leakage: a window
// belongs to the part holding all its targets; validation and test contexts look back into the
// earlier parts, as a rolling-origin backtest does.

import { type Series, type Split, splitByTime } from "@kairos/chunking";
import type { WindowShape } from "../family/forecast-model.js";

/** Chronos trains on contexts down to 32 steps, left-padding shorter ones (its `min_past`). */
const MIN_CONTEXT = 32;
/** The fewest observed context values a window of a short series may have. */
const SHORT_CONTEXT = 8;

/** The options of {@link finetuneSplit}; the same names in `finetune()`'s `data` group. */
export interface FinetuneSplitOptions {
  /**
   * Validation part (picks the best step, early stopping): a fraction in (0, 1) of the series or
   * a step count (default 0.1; 0 = none). A fraction that would leave the training part without a
   * window (a short series) becomes 0.
   */
  validation?: number;
  /** Test part at the end, never trained or validated on: a fraction or a count (default 0). */
  test?: number;
  /** Steps between window starts (default 1). */
  stride?: number;
  /**
   * Shortest context a window may have; shorter ones are left-padded with NaN (PAD, mask 0).
   * Default min(contextLength, 32), lowered to as few as 8 on a short series.
   */
  minContext?: number;
  /** Context a window holds: at most the model's contextLength (its default). */
  contextLength?: number;
  /**
   * Target steps a window holds: at most the model's predictionLength (its default). Fewer let a
   * shorter series fine-tune for a shorter forecast horizon: held-out parts are measured in them,
   * and a model still gets targets of its own length, the steps past these masked (no loss).
   */
  predictionLength?: number;
}

/** The split: train `[0, a)`, validation `[a, b)`, test `[b, n)`, each with its windows. */
export interface FinetuneSplit<S extends Series = Series> {
  /** The shortest context a window has. */
  minContext: number;
  /** The context a window holds. */
  contextLength: number;
  /** Steps `[start, end)` whose targets train, and their windows. */
  train: Split<S>;
  /** Steps held out for validation (empty with `validation: 0` or a short series). */
  validation: Split<S>;
  /** Steps held out for the final score (empty with `test: 0`). */
  test: Split<S>;
}

/**
 * The shortest context of a fine-tuning window on a long series: `minContext` when given, else
 * min(contextLength, 32).
 */
export function minFinetuneContext(tokenizer: WindowShape, minContext?: number): number {
  return minContext ?? Math.min(tokenizer.contextLength, MIN_CONTEXT);
}

/**
 * The fewest values a series needs to fine-tune at all: one training window of 8 observed
 * context values (fewer when contextLength is) and a prediction length of targets.
 */
export function minFinetuneLength(tokenizer: WindowShape, minContext?: number): number {
  const floor = minContext ?? Math.min(tokenizer.contextLength, SHORT_CONTEXT);
  return floor + tokenizer.predictionLength;
}

/**
 * Splits `series` along time for fine-tuning a model with `tokenizer`'s context and prediction
 * lengths. A validation or test fraction is rounded to steps but never fewer than one prediction
 * length, so a short history still holds one whole window in each.
 *
 * @throws RangeError naming `fn` when `validation`, `test` or `contextLength` is out of range,
 *   and when the series cannot hold one training window after the held-out parts.
 * @example
 * const { train, validation, test } = finetuneSplit(closes, model.config.tokenizer, {
 *   validation: 0.1,
 *   test: 100,
 * });
 * train.windows.length; // windows an epoch has
 */
export function finetuneSplit<S extends Series>(
  series: S,
  tokenizer: WindowShape,
  options: FinetuneSplitOptions = {},
  fn = "finetuneSplit()",
): FinetuneSplit<S> {
  const { validation = 0.1, test = 0, stride = 1 } = options;
  const n = series.length;
  const horizon = options.predictionLength ?? tokenizer.predictionLength;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > tokenizer.predictionLength) {
    throw new RangeError(
      `${fn}: predictionLength must be an integer in [1, ${tokenizer.predictionLength}] (the model's prediction length), got ${horizon}`,
    );
  }
  const contextLength = options.contextLength ?? tokenizer.contextLength;
  if (
    !Number.isInteger(contextLength) ||
    contextLength < 1 ||
    contextLength > tokenizer.contextLength
  ) {
    throw new RangeError(
      `${fn}: contextLength must be an integer in [1, ${tokenizer.contextLength}] (the model's context length), got ${contextLength}`,
    );
  }
  const testSteps = partSteps(fn, "test", test, n, horizon);
  let validationSteps = partSteps(fn, "validation", validation, n, horizon);
  const shortest = minFinetuneLength(
    { contextLength, predictionLength: horizon },
    options.minContext,
  );
  const isFraction = validation > 0 && validation < 1;
  if (isFraction && n - testSteps - validationSteps < shortest) validationSteps = 0;
  const trainSteps = n - testSteps - validationSteps;
  if (trainSteps < shortest) {
    throw new RangeError(
      `${fn}: series of ${n} values leaves ${trainSteps} for training after validation ${validationSteps} and test ${testSteps}; one training window needs ${shortest}`,
    );
  }
  const longest = Math.min(contextLength, MIN_CONTEXT);
  const minContext = options.minContext ?? Math.min(longest, trainSteps - horizon);
  const splits = splitByTime(series, {
    contextLength,
    predictionLength: horizon,
    validation: validationSteps,
    test: testSteps,
    stride,
    minContext,
  });
  return { minContext, contextLength, ...splits };
}

function partSteps(fn: string, name: string, value: number, length: number, horizon: number) {
  if (Number.isInteger(value) && value >= 0) return value;
  if (value > 0 && value < 1) return Math.max(Math.round(value * length), horizon);
  throw new RangeError(
    `${fn}: ${name} must be a fraction in (0, 1) or a non-negative integer count, got ${value}`,
  );
}
