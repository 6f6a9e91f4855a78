/**
 * Train / validation / test split along time without leakage: every target
 * step of a window lies inside its own split, so no window of an earlier split
 * ever sees (as context or target) a step of a later one. Validation and test
 * contexts may reach back into earlier data, as GluonTS's `split` +
 * `generate_instances` let a test input include the training history.
 */

import { checkSeries, type Series, show } from "./validate.js";
import { resolveWindowOptions, type WindowOptions } from "./window-options.js";
import { WindowSequence } from "./window-sequence.js";

/** Options of {@link splitByTime}. */
export interface SplitOptions extends WindowOptions {
  /** Validation steps: a fraction in (0, 1) of the series, or a count. Default 0. */
  validation?: number;
  /** Test steps at the end: a fraction in (0, 1) of the series, or a count. Default 0. */
  test?: number;
}

/** One split: the steps `[start, end)` it owns and the windows whose targets lie in them. */
export interface Split<S extends Series = Series> {
  /** First step owned by this split. */
  start: number;
  /** One past the last step owned by this split. */
  end: number;
  /** Windows with `start <= targetStart` and `window.end <= end`. */
  windows: WindowSequence<S>;
}

/** Result of {@link splitByTime}: three consecutive splits covering the series. */
export interface TimeSplits<S extends Series = Series> {
  train: Split<S>;
  validation: Split<S>;
  test: Split<S>;
}

/** Resolves a fraction of `length` or a count into a step count. */
function resolveCount(fn: string, name: string, value: unknown, length: number): number {
  if (value === undefined) return 0;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === "number" && value > 0 && value < 1) return Math.round(value * length);
  throw new RangeError(
    `${fn}(): ${name} must be a fraction in (0, 1) or a non-negative integer count, got ${show(value)}`,
  );
}

/**
 * Splits `series` into train `[0, a)`, validation `[a, b)` and test `[b, n)`
 * with `n - b = test` and `b - a = validation` steps (fractions of `n` are
 * rounded), and windows each split: a window belongs to the split that holds
 * all of its target steps. A split given 0 steps has no windows.
 *
 * @throws RangeError when a non-empty split cannot hold one whole target, or the
 *   training part cannot hold one window.
 * @example
 * ```ts
 * const { train, validation, test } = splitByTime(prices, {
 *   contextLength: 256, predictionLength: 32, validation: 0.1, test: 0.1,
 * });
 * ```
 */
export function splitByTime<S extends Series>(series: S, options: SplitOptions): TimeSplits<S>;
export function splitByTime(
  series: readonly number[],
  options: SplitOptions,
): TimeSplits<Float64Array>;
export function splitByTime(series: Series | readonly number[], options: SplitOptions): TimeSplits {
  const fn = "splitByTime";
  const s = checkSeries(fn, series);
  const o = resolveWindowOptions(fn, options, ["validation", "test"]);
  const n = s.length;
  const testSteps = resolveCount(fn, "test", options.test, n);
  const validationSteps = resolveCount(fn, "validation", options.validation, n);
  const b = n - testSteps;
  const a = b - validationSteps;
  const need = o.minContext + o.predictionLength;
  if (a < need) {
    throw new RangeError(
      `${fn}(): series of length ${n} leaves ${a} training steps after validation ` +
        `${validationSteps} and test ${testSteps}; one window needs ${need}`,
    );
  }
  const split = (name: string, start: number, end: number): Split => {
    if (end > start && end - start < o.predictionLength) {
      throw new RangeError(
        `${fn}(): ${name} has ${end - start} steps, fewer than predictionLength ${o.predictionLength}`,
      );
    }
    const first = Math.max(start, o.minContext);
    const last = end > start ? end - o.predictionLength : first - 1;
    const ws = new WindowSequence(s, o.contextLength, o.predictionLength, first, last, o.stride);
    return { start, end, windows: ws };
  };
  return {
    train: split("train", 0, a),
    validation: split("validation", a, b),
    test: split("test", b, n),
  };
}
