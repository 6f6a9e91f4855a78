// The shape every forecaster hands to the metrics and the plot: a median path plus one path per
// quantile level, as Chronos reports (levels 0.1 … 0.9).

/** The quantile levels Chronos and GluonTS's WQL use: 0.1, 0.2, …, 0.9. */
export const QUANTILE_LEVELS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * A probabilistic forecast over a horizon of H steps.
 * `quantiles[i][t]` is the `levels[i]` quantile at step t; every path has length H.
 */
export interface QuantileForecast {
  /** Point forecast used by MASE and sMAPE (the 0.5 quantile). Shape [H]. */
  median: ArrayLike<number>;
  /** Increasing levels in (0, 1). */
  levels: readonly number[];
  /** One path per level, shape [levels.length][H]. */
  quantiles: ArrayLike<number>[];
}

/** Checks levels and path lengths of a forecast scored against `horizon` actual values. */
export function checkQuantileForecast(
  fn: string,
  forecast: QuantileForecast,
  horizon: number,
): void {
  const { median, levels, quantiles } = forecast;
  if (quantiles.length !== levels.length) {
    throw new RangeError(
      `${fn}(): forecast.quantiles must have one path per level (${levels.length}), got ${quantiles.length}`,
    );
  }
  levels.forEach((q, i) => {
    if (!(q > 0 && q < 1))
      throw new RangeError(`${fn}(): levels[${i}] must be in (0, 1), got ${q}`);
    if (quantiles[i].length !== horizon) {
      throw new RangeError(
        `${fn}(): forecast.quantiles[${i}] must have length ${horizon}, got ${quantiles[i].length}`,
      );
    }
  });
  if (median.length !== horizon) {
    throw new RangeError(
      `${fn}(): forecast.median must have length ${horizon}, got ${median.length}`,
    );
  }
}
