// Dataset-level scores over many forecast windows, as Chronos computes them with GluonTS's
// `evaluate_forecasts(..., axis=None)` (chronos-forecasting scripts/evaluation/evaluate.py): MASE
// and sMAPE are means over every (window, step); WQL sums each level's loss and Σ|y| over all
// windows before dividing, then averages the levels.

import { absoluteScaledErrors, mean, symmetricPercentageErrors } from "./point-errors.js";
import { checkQuantileForecast, type QuantileForecast } from "./quantile-forecast.js";
import { absoluteSum, quantileLoss } from "./quantile-loss.js";
import { seasonalError } from "./seasonal-error.js";

/** One backtest window: what the forecaster saw, what happened, and what it forecast. */
export interface ScoredWindow {
  /** History given to the forecaster, oldest first. */
  context: ArrayLike<number>;
  /** True values over the horizon (NaN = missing). Shape [H]. */
  actual: ArrayLike<number>;
  forecast: QuantileForecast;
}

/** The three scores Kairos reports; lower is better. */
export interface ForecastScores {
  mase: number;
  smape: number;
  wql: number;
}

/**
 * Scores a set of windows as one dataset.
 *
 * @param windows at least one window; all forecasts must share the same levels.
 * @param season the seasonal period m used for MASE's scale.
 * @example
 * const { mase, wql } = evaluateForecasts(windows, 5);
 */
export function evaluateForecasts(
  windows: readonly ScoredWindow[],
  season: number,
): ForecastScores {
  if (windows.length === 0) {
    throw new RangeError("evaluateForecasts(): windows must not be empty, got []");
  }
  const levels = windows[0].forecast.levels;
  const ase: number[] = [];
  const sape: number[] = [];
  const losses = new Float64Array(levels.length);
  let scale = 0;
  windows.forEach((w, k) => {
    checkQuantileForecast(`evaluateForecasts() windows[${k}]`, w.forecast, w.actual.length);
    if (w.forecast.levels.join() !== levels.join()) {
      throw new RangeError(
        `evaluateForecasts(): windows[${k}].forecast.levels must equal windows[0]'s [${levels}], got [${w.forecast.levels}]`,
      );
    }
    ase.push(
      ...absoluteScaledErrors(w.actual, w.forecast.median, seasonalError(w.context, season)),
    );
    sape.push(...symmetricPercentageErrors(w.actual, w.forecast.median));
    levels.forEach((q, i) => {
      losses[i] += quantileLoss(w.actual, w.forecast.quantiles[i], q);
    });
    scale += absoluteSum(w.actual);
  });
  let wql = 0;
  for (const l of losses) wql += l / scale;
  return { mase: mean(ase), smape: mean(sape), wql: wql / levels.length };
}
