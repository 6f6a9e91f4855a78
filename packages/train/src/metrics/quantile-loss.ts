// Quantile (pinball) loss and its weighted mean over levels, WQL, exactly as GluonTS's
// `quantile_loss` and `MeanWeightedSumQuantileLoss` (gluonts/ev/stats.py, gluonts/ev/metrics.py)
// that Chronos reports as "WQL": per level, 2·Σ|(y − ŷ_q)(1[ŷ_q ≥ y] − q)| over Σ|y|, then the
// mean over levels.

import { checkSameLength } from "./point-errors.js";
import { checkQuantileForecast, type QuantileForecast } from "./quantile-forecast.js";

/**
 * Summed quantile loss of one quantile path: 2·Σ_t |(y_t − ŷ_t)·(1[ŷ_t ≥ y_t] − q)|, skipping NaN
 * actual values.
 *
 * @example
 * quantileLoss([10], [8], 0.9); // 2 · |2 · (0 − 0.9)| = 3.6
 */
export function quantileLoss(
  actual: ArrayLike<number>,
  path: ArrayLike<number>,
  q: number,
): number {
  checkSameLength("quantileLoss", actual, path);
  if (!(q > 0 && q < 1)) throw new RangeError(`quantileLoss(): q must be in (0, 1), got ${q}`);
  let s = 0;
  for (let t = 0; t < actual.length; t++) {
    const y = actual[t];
    if (Number.isNaN(y)) continue;
    const f = path[t];
    s += Math.abs((y - f) * ((f >= y ? 1 : 0) - q));
  }
  return 2 * s;
}

/** Σ|y| over the non-NaN actual values: the WQL denominator. */
export function absoluteSum(actual: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < actual.length; t++) if (!Number.isNaN(actual[t])) s += Math.abs(actual[t]);
  return s;
}

/**
 * Weighted quantile loss of one window: mean over levels of quantileLoss / Σ|y|.
 *
 * @example
 * wql([10, 20], forecast); // 0 for a forecast whose every quantile equals the actual values
 */
export function wql(actual: ArrayLike<number>, forecast: QuantileForecast): number {
  checkQuantileForecast("wql", forecast, actual.length);
  const scale = absoluteSum(actual);
  let s = 0;
  forecast.levels.forEach((q, i) => {
    s += quantileLoss(actual, forecast.quantiles[i], q) / scale;
  });
  return s / forecast.levels.length;
}
