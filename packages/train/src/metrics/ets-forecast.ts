// The exponential-smoothing baseline: Holt–Winters with an additive damped trend and an additive
// season, ETS(A,Ad,A), fitted to the context as statsmodels' ETSModel does (see ets-fit.ts), its
// quantiles from Gaussian prediction intervals with the analytic forecast variance of a class-1
// model, σ²·v_h (Hyndman et al. 2008, §6.3), σ² the mean squared one-step error, as statsmodels'
// `get_prediction` (method "exact") computes them.

import { fitEts } from "./ets-fit.js";
import type { EtsStates } from "./ets-initial-states.js";
import { type EtsParams, etsPoint, etsSmooth, etsVarianceMultipliers } from "./ets-smooth.js";
import { normalQuantile } from "./normal-quantile.js";
import { QUANTILE_LEVELS, type QuantileForecast } from "./quantile-forecast.js";

/**
 * Damped-trend Holt–Winters forecast of `horizon` steps after `context`.
 *
 * Leading NaNs (padding) are dropped and interior NaNs are missing steps. The model shrinks with
 * the data: ETS(A,Ad,A) from two seasons and 10 + 2⌊m/2⌋ values on, ETS(A,Ad,N) (damped trend, no
 * season) from 10 values, simple exponential smoothing below that.
 *
 * @param context history, oldest first, with at least one non-NaN value.
 * @param horizon steps to forecast.
 * @param season the seasonal period m (1 = none; see {@link seasonFromFrequency}).
 * @param levels quantile levels (default 0.1 … 0.9).
 * @returns median = the point forecast, shape [horizon]; quantiles [levels.length][horizon].
 * @example
 * etsForecast(monthlySales, 12, 12).quantiles[0]; // the 10 % quantile a year ahead
 */
export function etsForecast(
  context: ArrayLike<number>,
  horizon: number,
  season: number,
  levels: readonly number[] = QUANTILE_LEVELS,
): QuantileForecast {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new RangeError(`etsForecast(): horizon must be a positive integer, got ${horizon}`);
  }
  if (!Number.isInteger(season) || season < 1) {
    throw new RangeError(`etsForecast(): season must be a positive integer, got ${season}`);
  }
  let first = 0;
  while (first < context.length && Number.isNaN(context[first])) first++;
  if (first === context.length) {
    throw new RangeError("etsForecast(): context must hold at least one non-NaN value");
  }
  const y = Float64Array.from(Array.prototype.slice.call(context, first) as number[]);
  const fit = fitEts(y, season);
  return etsQuantiles(y, fit.params, fit.initial, horizon, levels);
}

/**
 * The forecast of {@link etsForecast} at given parameters and initial states (no fitting):
 * smooth `y`, then point ± z_q·σ·√v_h with σ² the mean squared one-step error.
 *
 * @example
 * etsQuantiles(y, fit.params, fit.initial, 12, QUANTILE_LEVELS);
 */
export function etsQuantiles(
  y: Float64Array,
  params: EtsParams,
  initial: EtsStates,
  horizon: number,
  levels: readonly number[],
): QuantileForecast {
  const { sse, observed, final } = etsSmooth(y, params, initial);
  const mse = observed > 0 ? sse / observed : 0;
  const point = etsPoint(final, params.phi, y.length, horizon);
  const v = etsVarianceMultipliers(params, initial.seasonal.length, horizon);
  const quantiles = levels.map((q) => {
    const z = normalQuantile(q);
    return point.map((p, h) => p + z * Math.sqrt(mse * v[h]));
  });
  return { median: point, levels, quantiles };
}
