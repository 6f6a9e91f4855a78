// The fold plan that keeps the forecast-quality workload's evaluation tail after everything a
// fine-tune sees. (Its aggregation across series, Chronos's geometric mean of ratios over seasonal
// naive, is @kairos/train's geometricMean.)
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
