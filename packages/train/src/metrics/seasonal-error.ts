// The scale of MASE: the mean absolute difference of the in-sample series and itself one season
// earlier, as GluonTS computes it (gluonts/evaluation/_base.py `calculate_seasonal_error`).

/**
 * Mean of |y[t] − y[t − season]| over the context, skipping pairs with a missing (NaN) value.
 * As in GluonTS, a season not shorter than the context falls back to 1 (plain differences).
 *
 * @param context the in-sample history, oldest first, length ≥ 2.
 * @param season the seasonal period m, a positive integer.
 * @returns the seasonal error; NaN when no pair of finite values exists.
 * @example
 * seasonalError([1, 2, 4, 7], 1); // (1 + 2 + 3) / 3 = 2
 */
export function seasonalError(context: ArrayLike<number>, season: number): number {
  if (!Number.isInteger(season) || season < 1) {
    throw new RangeError(`seasonalError(): season must be a positive integer, got ${season}`);
  }
  const m = season < context.length ? season : 1;
  let sum = 0;
  let count = 0;
  for (let t = m; t < context.length; t++) {
    const d = Math.abs(context[t] - context[t - m]);
    if (Number.isNaN(d)) continue;
    sum += d;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}
