// Per-step point errors as GluonTS defines them (gluonts/ev/stats.py): absolute scaled error and
// symmetric absolute percentage error. Steps whose actual value is missing (NaN) are masked out, as
// GluonTS masks missing labels. Shared by `mase`, `smape` and the dataset-level `evaluateForecasts`.

/** Checks that a forecast and the actual values it is scored against have the same length. */
export function checkSameLength(
  fn: string,
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
): void {
  if (actual.length !== forecast.length) {
    throw new RangeError(
      `${fn}(): forecast must have the length of actual (${actual.length}), got ${forecast.length}`,
    );
  }
}

/** |y − ŷ| / scale for each step whose actual y is not NaN. */
export function absoluteScaledErrors(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  scale: number,
): number[] {
  const out: number[] = [];
  for (let t = 0; t < actual.length; t++) {
    if (!Number.isNaN(actual[t])) out.push(Math.abs(actual[t] - forecast[t]) / scale);
  }
  return out;
}

/**
 * 2|y − ŷ| / (|y| + |ŷ|) for each step whose actual y is not NaN; a step where both are 0 counts
 * as 0, as in `gluonts.evaluation.metrics.smape`.
 */
export function symmetricPercentageErrors(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
): number[] {
  const out: number[] = [];
  for (let t = 0; t < actual.length; t++) {
    const y = actual[t];
    if (Number.isNaN(y)) continue;
    const den = Math.abs(y) + Math.abs(forecast[t]);
    out.push(den === 0 ? 0 : (2 * Math.abs(y - forecast[t])) / den);
  }
  return out;
}

/** The arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
