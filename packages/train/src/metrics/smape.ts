// Symmetric mean absolute percentage error as GluonTS's `sMAPE[0.5]` (values in [0, 2]).

import { checkSameLength, mean, symmetricPercentageErrors } from "./point-errors.js";

/**
 * sMAPE = mean over steps of 2|y − ŷ| / (|y| + |ŷ|); steps with a NaN actual are skipped and a
 * step where both are 0 counts as 0.
 *
 * @example
 * smape([1, 2], [1, 4]); // (0 + 4/6) / 2 = 0.333…
 */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkSameLength("smape", actual, forecast);
  return mean(symmetricPercentageErrors(actual, forecast));
}
