// The two baselines Chronos compares against: naive (repeat the last value) and seasonal naive
// (repeat the value one season earlier). Their quantiles come from normal prediction intervals on
// the in-sample residuals, Hyndman & Athanasopoulos, FPP3 §5.5: σ_h = σ·√h for naive and
// σ·√(⌊(h−1)/m⌋ + 1) for seasonal naive, σ² the mean squared residual.

import { normalQuantile } from "./normal-quantile.js";
import { QUANTILE_LEVELS, type QuantileForecast } from "./quantile-forecast.js";

function checkArgs(fn: string, context: ArrayLike<number>, horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new RangeError(`${fn}(): horizon must be a positive integer, got ${horizon}`);
  }
  let finite = false;
  for (let t = 0; t < context.length && !finite; t++) finite = !Number.isNaN(context[t]);
  if (!finite) throw new RangeError(`${fn}(): context must hold at least one non-NaN value`);
}

function lastFinite(context: ArrayLike<number>): number {
  for (let t = context.length - 1; t >= 0; t--) if (!Number.isNaN(context[t])) return context[t];
  return Number.NaN;
}

/** Root mean square of x[t] − x[t − lag] over the pairs with no NaN; 0 when there are none. */
function residualSigma(context: ArrayLike<number>, lag: number): number {
  let s = 0;
  let n = 0;
  for (let t = lag; t < context.length; t++) {
    const r = context[t] - context[t - lag];
    if (Number.isNaN(r)) continue;
    s += r * r;
    n++;
  }
  return n === 0 ? 0 : Math.sqrt(s / n);
}

function withBands(
  point: Float64Array,
  sd: (step: number) => number,
  levels: readonly number[],
): QuantileForecast {
  const quantiles = levels.map((q) => {
    const z = normalQuantile(q);
    return point.map((v, h) => v + z * sd(h));
  });
  return { median: point, levels, quantiles };
}

/**
 * Naive forecast: every step is the last non-NaN value of the context.
 *
 * @param context history, oldest first, with at least one non-NaN value.
 * @param horizon steps to forecast.
 * @param levels quantile levels (default 0.1 … 0.9).
 * @example
 * naiveForecast([1, 2, 3], 2).median; // Float64Array [3, 3]
 */
export function naiveForecast(
  context: ArrayLike<number>,
  horizon: number,
  levels: readonly number[] = QUANTILE_LEVELS,
): QuantileForecast {
  checkArgs("naiveForecast", context, horizon);
  const sigma = residualSigma(context, 1);
  const point = new Float64Array(horizon).fill(lastFinite(context));
  return withBands(point, (h) => sigma * Math.sqrt(h + 1), levels);
}

/**
 * Seasonal naive forecast: step h repeats the value one season before it (y[n + h − m·(⌊h/m⌋+1)]),
 * going back further seasons past NaNs. A season not shorter than the context falls back to
 * {@link naiveForecast}, as GluonTS and AutoGluon do.
 *
 * @param season the seasonal period m (see {@link seasonFromFrequency}).
 * @example
 * seasonalNaiveForecast([1, 2, 3, 4], 3, 2).median; // Float64Array [3, 4, 3]
 */
export function seasonalNaiveForecast(
  context: ArrayLike<number>,
  horizon: number,
  season: number,
  levels: readonly number[] = QUANTILE_LEVELS,
): QuantileForecast {
  checkArgs("seasonalNaiveForecast", context, horizon);
  if (!Number.isInteger(season) || season < 1) {
    throw new RangeError(
      `seasonalNaiveForecast(): season must be a positive integer, got ${season}`,
    );
  }
  const n = context.length;
  if (season >= n) return naiveForecast(context, horizon, levels);
  const point = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    let t = n + h - season * (Math.floor(h / season) + 1);
    while (t >= 0 && Number.isNaN(context[t])) t -= season;
    point[h] = t >= 0 ? context[t] : lastFinite(context);
  }
  const sigma = residualSigma(context, season);
  return withBands(point, (h) => sigma * Math.sqrt(Math.floor(h / season) + 1), levels);
}
