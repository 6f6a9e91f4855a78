/**
 * Rolling-origin backtest windows, the semantics of GluonTS
 * `split(dataset, offset=cut)` followed by
 * `test_template.generate_instances(prediction_length, windows=folds, distance=step)`:
 * fold `i` forecasts `[cut + i*step, cut + i*step + predictionLength)` from the
 * history before it, so every target begins at or after the cut and the
 * training part `[0, cut)` never holds a target step.
 */

import { checkInteger, checkOptions, checkSeries, type Series, show } from "./validate.js";
import { makeWindow, type Window } from "./window.js";

/** Options of {@link rollingOrigin}. */
export interface RollingOriginOptions {
  /** Past values each fold's input keeps (GluonTS `max_history`). Positive integer. */
  contextLength: number;
  /** Target steps per fold. Positive integer. */
  predictionLength: number;
  /** Number of folds (GluonTS `windows`). Positive integer, default 1. */
  folds?: number;
  /** Steps between fold origins (GluonTS `distance`). Positive integer, default `predictionLength`. */
  step?: number;
  /**
   * The cut (GluonTS `offset`): training data is `[0, cut)`. A negative value
   * counts from the end. Default: the latest cut whose last fold ends at the
   * series end, `length - predictionLength - (folds - 1) * step`.
   */
  cut?: number;
}

/** Result of {@link rollingOrigin}. */
export interface RollingOrigin<S extends Series = Series> {
  /** The cut as a non-negative step index. */
  cut: number;
  /** `series[0, cut)`: the only data a model may be trained on. A view. */
  train: S;
  /** One window per fold, in time order; fold `i` has `targetStart = cut + i * step`. */
  folds: Window<S>[];
}

const keys = ["contextLength", "predictionLength", "folds", "step", "cut"];

/**
 * Backtest windows for a rolling-origin evaluation. A fold whose origin is
 * closer than `contextLength` to the series start gets a NaN-left-padded
 * context (GluonTS would give a shorter input; here every input has the same
 * length and `padding` says how much is missing).
 *
 * @throws RangeError when the folds do not fit: `cut + (folds - 1) * step + predictionLength > length`
 *   (GluonTS: "not enough data"), or the cut leaves no training data.
 * @example
 * ```ts
 * const { train, folds } = rollingOrigin(prices, { contextLength: 512, predictionLength: 20, folds: 5 });
 * ```
 */
export function rollingOrigin<S extends Series>(
  series: S,
  options: RollingOriginOptions,
): RollingOrigin<S>;
export function rollingOrigin(
  series: readonly number[],
  options: RollingOriginOptions,
): RollingOrigin<Float64Array>;
export function rollingOrigin(
  series: Series | readonly number[],
  options: RollingOriginOptions,
): RollingOrigin {
  const fn = "rollingOrigin";
  const s = checkSeries(fn, series);
  checkOptions(fn, options, keys);
  const n = s.length;
  const contextLength = checkInteger(fn, "contextLength", options.contextLength);
  const predictionLength = checkInteger(fn, "predictionLength", options.predictionLength);
  const folds = checkInteger(fn, "folds", options.folds ?? 1);
  const step = checkInteger(fn, "step", options.step ?? predictionLength);
  const span = (folds - 1) * step + predictionLength;
  let cut = n - span;
  if (options.cut !== undefined) {
    if (typeof options.cut !== "number" || !Number.isInteger(options.cut)) {
      throw new TypeError(`${fn}(): cut must be an integer, got ${show(options.cut)}`);
    }
    cut = options.cut < 0 ? n + options.cut : options.cut;
  }
  if (cut < 1) {
    throw new RangeError(
      `${fn}(): cut must leave at least one training step, got cut ${options.cut ?? cut} ` +
        `for a series of length ${n} (${folds} folds need ${span} steps)`,
    );
  }
  if (cut + span > n) {
    throw new RangeError(
      `${fn}(): not enough data: cut ${cut} + ${folds} folds every ${step} steps of ` +
        `predictionLength ${predictionLength} needs length ${cut + span}, got ${n}`,
    );
  }
  const out: Window[] = [];
  for (let i = 0; i < folds; i++)
    out.push(makeWindow(s, cut + i * step, contextLength, predictionLength));
  return { cut, train: s.subarray(0, cut), folds: out };
}
