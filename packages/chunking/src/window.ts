/**
 * One training or evaluation window: `contextLength` past values followed by
 * `predictionLength` future values, cut at the split point `targetStart` the
 * way GluonTS's `InstanceSplitter` cuts at a sampled index.
 */
import type { Series } from "./validate.js";

/**
 * A window over a series. Steps are indices into the series:
 * `context` = series[contextStart, targetStart), `target` = series[targetStart, end).
 *
 * When `contextStart < 0` the window starts before the series: `context` is
 * left-padded with `padding` NaN values (GluonTS `InstanceSplitter` with
 * `dummy_value = NaN`, as Chronos trains; `padding` is the number of ones in
 * its `past_is_pad`). Otherwise `context` and `target` are zero-copy views.
 */
export interface Window<S extends Series = Series> {
  /** First context step; negative when the context is padded. */
  contextStart: number;
  /** First target step: the split point. */
  targetStart: number;
  /** One past the last target step. */
  end: number;
  /** `[contextLength]` past values (NaN where padded). */
  context: S;
  /** `[predictionLength]` future values. */
  target: S;
  /** Number of NaN values prepended to `context` (0 for an unpadded view). */
  padding: number;
}

/**
 * Builds the window whose target starts at `targetStart`. Requires
 * `0 <= targetStart` and `targetStart + predictionLength <= series.length`.
 */
export function makeWindow<S extends Series>(
  series: S,
  targetStart: number,
  contextLength: number,
  predictionLength: number,
): Window<S> {
  const contextStart = targetStart - contextLength;
  const end = targetStart + predictionLength;
  const target = series.subarray(targetStart, end) as S;
  if (contextStart >= 0) {
    const context = series.subarray(contextStart, targetStart) as S;
    return { contextStart, targetStart, end, context, target, padding: 0 };
  }
  // Starts before the series: the one case that copies (GluonTS concatenates a pad block).
  const padding = -contextStart;
  const context = new (series.constructor as new (n: number) => S)(contextLength);
  context.fill(Number.NaN, 0, padding);
  context.set(series.subarray(0, targetStart), padding);
  return { contextStart, targetStart, end, context, target, padding };
}
