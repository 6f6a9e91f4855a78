// The time split fine-tuning trains and validates on, decided in one place: `finetune()` cuts its
// windows with it and returns it, and a caller that must know the split before training (how many
// steps an epoch is, how long a series must be) asks the same function with the same options.

import { type Series, type Split, splitByTime } from "@kairos/chunking";
import type { TokenizerSettings } from "../model/config.js";

/** Chronos trains on contexts down to 32 steps, left-padding shorter ones (its `min_past`). */
const MIN_CONTEXT = 32;

/** The options of {@link finetuneSplit}; the same names in `finetune()`'s `data` group. */
export interface FinetuneSplitOptions {
  /** Validation part of the history: a fraction in (0, 1) or a step count (default 0.1; 0 = none). */
  validation?: number;
  /** Steps between window starts (default 1). */
  stride?: number;
  /** Shortest context a window may have; shorter ones are left-padded (default min(contextLength, 32)). */
  minContext?: number;
}

/** The split: training windows `[0, validation.start)`, validation windows after, no leakage. */
export interface FinetuneSplit<S extends Series = Series> {
  /** The shortest context a window has. */
  minContext: number;
  /** Steps `[start, end)` whose targets train, and their windows. */
  train: Split<S>;
  /** Steps `[start, end)` held out for validation (empty with `validation: 0`), and their windows. */
  validation: Split<S>;
}

/**
 * The shortest context of a fine-tuning window: `minContext` when given, else
 * min(contextLength, 32). A series needs `minFinetuneContext(t) + t.predictionLength` steps for
 * one training window.
 */
export function minFinetuneContext(tokenizer: TokenizerSettings, minContext?: number): number {
  return minContext ?? Math.min(tokenizer.contextLength, MIN_CONTEXT);
}

/**
 * Splits `series` along time for fine-tuning a model with `tokenizer`'s context and prediction
 * lengths. A validation fraction is rounded to steps but never fewer than one prediction length,
 * so a short history still validates on one whole window.
 *
 * @throws RangeError naming `fn` when `validation` is neither a fraction nor a count, and (from
 *   `splitByTime`) when the series cannot hold one training window.
 * @example
 * const { train, validation } = finetuneSplit(closes, model.config.tokenizer, { validation: 0.1 });
 * train.windows.length; // windows an epoch has
 */
export function finetuneSplit<S extends Series>(
  series: S,
  tokenizer: TokenizerSettings,
  options: FinetuneSplitOptions = {},
  fn = "finetuneSplit()",
): FinetuneSplit<S> {
  const { validation = 0.1, stride = 1 } = options;
  const minContext = minFinetuneContext(tokenizer, options.minContext);
  const splits = splitByTime(series, {
    contextLength: tokenizer.contextLength,
    predictionLength: tokenizer.predictionLength,
    validation: validationSteps(fn, validation, series.length, tokenizer.predictionLength),
    stride,
    minContext,
  });
  return { minContext, train: splits.train, validation: splits.validation };
}

function validationSteps(fn: string, validation: number, length: number, horizon: number) {
  if (Number.isInteger(validation) && validation >= 0) return validation;
  if (validation > 0 && validation < 1) return Math.max(Math.round(validation * length), horizon);
  throw new RangeError(
    `${fn}: validation must be a fraction in (0, 1) or a non-negative integer count, got ${validation}`,
  );
}
