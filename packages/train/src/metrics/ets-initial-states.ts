// Heuristic initial states of an additive ETS model, as statsmodels' `_initialization_heuristic`
// (statsmodels/tsa/exponential_smoothing/initialization.py, after Hyndman & Athanasopoulos's
// `initstate` in R's forecast::ets): the seasonal states are the mean detrended value of each
// season over the first few cycles (a centred moving average as the trend), centred to sum to 0;
// level and trend are the intercept and slope of a least-squares line through the first 10
// (deseasonalised) values, the intercept taken at the step before the first.

/** Level, trend and seasonal states before the first observation. */
export interface EtsStates {
  level: number;
  trend: number;
  /** `seasonal[j]` is the seasonal state the observation j (j < m) is forecast with; [] for none. */
  seasonal: Float64Array;
}

/** Least-squares intercept (at x = 0) and slope through (1, y[0]) … (10, y[9]). */
function line10(y: ArrayLike<number>): { level: number; trend: number } {
  let mean = 0;
  for (let i = 0; i < 10; i++) mean += y[i] / 10;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < 10; i++) {
    sxy += (i + 1 - 5.5) * (y[i] - mean);
    sxx += (i + 1 - 5.5) ** 2;
  }
  const trend = sxy / sxx;
  return { level: mean - 5.5 * trend, trend };
}

/** pandas' `rolling(m, center=True).mean()`, then for even m the 2×m average; NaN off the ends. */
function centredMovingAverage(y: ArrayLike<number>, m: number): Float64Array {
  const n = y.length;
  const half = Math.floor(m / 2);
  const out = new Float64Array(n).fill(Number.NaN);
  for (let i = half; i < n - half; i++) {
    let s = 0;
    if (m % 2 === 1) {
      for (let j = i - half; j <= i + half; j++) s += y[j];
      out[i] = s / m;
    } else {
      for (let j = i - half + 1; j < i + half; j++) s += y[j];
      out[i] = s / m + (y[i - half] + y[i + half]) / (2 * m);
    }
  }
  return out;
}

/**
 * The fewest values {@link etsInitialStates} needs: 10, and with a season of m, also 2m and
 * 10 + 2⌊m/2⌋ (the moving average loses ⌊m/2⌋ values at each end).
 */
export function etsMinLength(season: number): number {
  return season > 1 ? Math.max(10, 2 * season, 10 + 2 * Math.floor(season / 2)) : 10;
}

/**
 * Heuristic initial states of `y` (no NaN), with a season of `season` steps (1 = none).
 *
 * @param y at least {@link etsMinLength}(season) values, oldest first.
 * @example
 * etsInitialStates(Float64Array.from({ length: 12 }, (_, t) => 5 + 2 * t), 1);
 * // { level: 3, trend: 2, seasonal: Float64Array [] }
 */
export function etsInitialStates(y: ArrayLike<number>, season: number): EtsStates {
  const n = y.length;
  if (n < etsMinLength(season)) {
    throw new RangeError(
      `etsInitialStates(): y must hold at least ${etsMinLength(season)} values for season ${season}, got ${n}`,
    );
  }
  if (season <= 1) return { ...line10(y), seasonal: new Float64Array(0) };
  const m = season;
  const minObs = 10 + 2 * Math.floor(m / 2);
  const cycles = Math.max(Math.min(5, Math.floor(n / m)), Math.ceil(minObs / m));
  const head = Array.prototype.slice.call(y, 0, Math.min(n, m * cycles)) as number[];
  const trend = centredMovingAverage(head, m);
  const seasonal = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    let k = 0;
    for (let t = j; t < head.length; t += m) {
      if (Number.isNaN(trend[t])) continue;
      s += head[t] - trend[t];
      k++;
    }
    seasonal[j] = s / k;
  }
  let mean = 0;
  for (let j = 0; j < m; j++) mean += seasonal[j] / m;
  for (let j = 0; j < m; j++) seasonal[j] -= mean;
  return { ...line10(trend.filter((v) => !Number.isNaN(v))), seasonal };
}
