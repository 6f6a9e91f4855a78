// Chronos's aggregation across series (Ansari et al. 2024, §5.2): each forecaster's score on a
// series over seasonal naive's on the same folds, then the geometric mean of those ratios over
// the series. The same computation as @kairos/train's internal metrics/geometric-mean.ts, which
// the package does not export; here for the forecast-quality workload, with the fold plan that
// keeps its evaluation tail after everything a fine-tune sees.

/**
 * Geometric mean exp(mean(log v)) of positive finite values.
 * @param {readonly number[]} values
 * @example geometricMean([0.5, 2]); // 1
 */
export function geometricMean(values) {
  if (values.length === 0)
    throw new RangeError("geometricMean(): values must not be empty, got []");
  let s = 0;
  values.forEach((v, i) => {
    if (!(v > 0 && Number.isFinite(v))) {
      throw new RangeError(
        `geometricMean(): values[${i}] must be a positive finite number, got ${v}`,
      );
    }
    s += Math.log(v);
  });
  return Math.exp(s / values.length);
}

/**
 * Folds of a rolling-origin evaluation tail that leaves at least `need` values before it (what a
 * fine-tune needs: its shortest training window plus its validation part): up to `maxFolds`, each
 * `horizon` steps, the tail `folds × horizon` at the end of the series. 0 when not even one fits.
 * @param {number} length values in the series
 * @example evaluationFolds(123, 18, 5, 96); // 1: 123 − 18 = 105 ≥ 96, but 123 − 36 < 96
 */
export function evaluationFolds(length, horizon, maxFolds, need) {
  return Math.max(0, Math.min(maxFolds, Math.floor((length - need) / horizon)));
}
