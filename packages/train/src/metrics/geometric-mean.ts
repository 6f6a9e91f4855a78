// Chronos's aggregation across datasets (Ansari et al. 2024, §5.2): each model's score divided by
// the seasonal-naive score on the same dataset, then the geometric mean of those ratios.

/**
 * Geometric mean exp(mean(log v)) of positive values.
 *
 * @example
 * geometricMean([0.5, 2]); // 1
 */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0)
    throw new RangeError("geometricMean(): values must not be empty, got []");
  let s = 0;
  values.forEach((v, i) => {
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(
        `geometricMean(): values[${i}] must be a positive finite number, got ${v}`,
      );
    }
    s += Math.log(v);
  });
  return Math.exp(s / values.length);
}

/**
 * A model's scores relative to a baseline's on the same datasets, aggregated by geometric mean.
 *
 * @param scores the model's score on each dataset (e.g. WQL per CSV column).
 * @param baseline the baseline's score on the same datasets, same order.
 * @example
 * relativeScore([1, 4], [2, 2]); // geometricMean([0.5, 2]) = 1
 */
export function relativeScore(scores: readonly number[], baseline: readonly number[]): number {
  if (scores.length !== baseline.length) {
    throw new RangeError(
      `relativeScore(): baseline must have one score per dataset (${scores.length}), got ${baseline.length}`,
    );
  }
  return geometricMean(scores.map((s, i) => s / baseline[i]));
}
