// Mean absolute scaled error (Hyndman & Koehler 2006) as GluonTS's `MASE[0.5]`: the median
// forecast's absolute error over the horizon divided by the context's seasonal error.

import { absoluteScaledErrors, checkSameLength, mean } from "./point-errors.js";
import { seasonalError } from "./seasonal-error.js";

/**
 * MASE of one forecast window.
 *
 * @param actual the true values over the horizon (NaN = missing, skipped).
 * @param forecast the point forecast (the median, as Chronos scores it), same length.
 * @param context the history the forecast was made from; its seasonal error is the scale.
 * @param season the seasonal period m (see {@link seasonFromFrequency}).
 * @example
 * mase([3, 4], [3, 3], [1, 2, 3], 1); // mean(|0|, |1|) / 1 = 0.5
 */
export function mase(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  context: ArrayLike<number>,
  season: number,
): number {
  checkSameLength("mase", actual, forecast);
  return mean(absoluteScaledErrors(actual, forecast, seasonalError(context, season)));
}
