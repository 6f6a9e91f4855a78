/**
 * Cuts a series into (context, target) windows at every `stride`-th split
 * point, the training instances of GluonTS's `InstanceSplitter` with an
 * evenly spaced sampler.
 */

import { checkSeries, type Series } from "./validate.js";
import { resolveWindowOptions, type WindowOptions } from "./window-options.js";
import { WindowSequence } from "./window-sequence.js";

/**
 * All windows of `series`: split points `t = minContext, minContext + stride, …`
 * up to `series.length - predictionLength`, each window
 * `context = series[t - contextLength, t)`, `target = series[t, t + predictionLength)`.
 * Views are zero-copy `subarray`s; a window that starts before the series
 * (only when `minContext < contextLength`) gets a NaN-left-padded context copy
 * and reports `padding`.
 *
 * @param series - `[length]` values; NaN marks a missing value. A plain array is copied once.
 * @returns A {@link WindowSequence}: iterable, re-iterable, with `length` and `at(i)`.
 * @throws RangeError when the series is shorter than one window.
 * @example
 * ```ts
 * for (const w of windows(prices, { contextLength: 512, predictionLength: 64, stride: 16 })) {
 *   train(w.context, w.target);
 * }
 * ```
 */
export function windows<S extends Series>(series: S, options: WindowOptions): WindowSequence<S>;
export function windows(
  series: readonly number[],
  options: WindowOptions,
): WindowSequence<Float64Array>;
export function windows(
  series: Series | readonly number[],
  options: WindowOptions,
): WindowSequence {
  const fn = "windows";
  const s = checkSeries(fn, series);
  const o = resolveWindowOptions(fn, options);
  const last = s.length - o.predictionLength;
  if (last < o.minContext) {
    throw new RangeError(
      `${fn}(): series of length ${s.length} is shorter than one window ` +
        `(minContext ${o.minContext} + predictionLength ${o.predictionLength})`,
    );
  }
  return new WindowSequence(s, o.contextLength, o.predictionLength, o.minContext, last, o.stride);
}
