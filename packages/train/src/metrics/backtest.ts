// A rolling-origin backtest that scores several forecasters side by side on the same folds
// (GluonTS `split` + `generate_instances`, via @kairos/chunking's `rollingOrigin`), each forecaster
// seeing only the context before its fold. Scores follow `evaluateForecasts`; each is also given
// relative to the seasonal-naive baseline, as Chronos reports. The baselines are naive, seasonal
// naive and damped-trend Holt–Winters (`etsForecast`, standing in for Chronos's AutoETS).

import { rollingOrigin } from "@kairos/chunking";
import { naiveForecast, seasonalNaiveForecast } from "./baselines.js";
import { etsForecast } from "./ets-forecast.js";
import { evaluateForecasts, type ForecastScores, type ScoredWindow } from "./evaluate-forecasts.js";
import type { QuantileForecast } from "./quantile-forecast.js";

/** Forecasts `horizon` steps after `context` (oldest first, NaN = missing or padding). */
export type Forecaster = (
  context: Float64Array,
  horizon: number,
) => QuantileForecast | Promise<QuantileForecast>;

/** Options of {@link backtest}. */
export interface BacktestOptions {
  /** Values each forecaster sees before a fold (NaN-padded near the start). */
  contextLength: number;
  horizon: number;
  /** Number of folds, each `horizon` steps after the previous; default 1. */
  folds?: number;
  /** Seasonal period m for MASE, seasonal naive and the ETS season. */
  season: number;
  /** Extra forecasters by name, scored beside "seasonal naive", "naive" and "ets (damped)". */
  forecasters?: Record<string, Forecaster>;
  /** Called after each forecaster finishes a fold. */
  onFold?: (name: string, fold: number, folds: number) => void;
}

/** One forecaster's row of the backtest table. */
export interface BacktestRow extends ForecastScores {
  name: string;
  /** This forecaster's MASE / seasonal naive's MASE. */
  relativeMase: number;
  /** This forecaster's WQL / seasonal naive's WQL. */
  relativeWql: number;
}

/** What {@link backtest} returns: a row per forecaster, and where the folds start. */
export interface BacktestResult {
  rows: BacktestRow[];
  /** Index of the first target step of each fold. */
  foldStarts: number[];
}

/**
 * Scores seasonal naive, naive, damped-trend ETS ({@link etsForecast}) and the given forecasters
 * over the last `folds × horizon` steps; rows come in that order.
 *
 * @example
 * const { rows } = await backtest(closes, { contextLength: 256, horizon: 20, folds: 5, season: 5 });
 */
export async function backtest(
  series: Float64Array,
  options: BacktestOptions,
): Promise<BacktestResult> {
  const { contextLength, horizon, season } = options;
  const folds = options.folds ?? 1;
  const { folds: windows } = rollingOrigin(series, {
    contextLength,
    predictionLength: horizon,
    folds,
  });
  // Baselines, like Chronos's local models, fit the whole past (third entry true); models see
  // their context window.
  const all: [string, Forecaster, boolean][] = [
    ["seasonal naive", (c, h) => seasonalNaiveForecast(c, h, season), true],
    ["naive", (c, h) => naiveForecast(c, h), true],
    ["ets (damped)", (c, h) => etsForecast(c, h, season), true],
    ...Object.entries(options.forecasters ?? {}).map(([n, f]): [string, Forecaster, boolean] => [
      n,
      f,
      false,
    ]),
  ];
  const scores = new Map<string, ForecastScores>();
  for (const [name, forecaster, wholePast] of all) {
    const scored: ScoredWindow[] = [];
    for (const [k, w] of windows.entries()) {
      const past = series.subarray(0, w.targetStart);
      const forecast = await forecaster(wholePast ? past : w.context, horizon);
      // MASE's scale is the seasonal error of the whole past, as GluonTS takes it from the input.
      scored.push({ context: past, actual: w.target, forecast });
      options.onFold?.(name, k, windows.length);
    }
    scores.set(name, evaluateForecasts(scored, season));
  }
  const base = scores.get("seasonal naive")!;
  const rows = [...scores].map(([name, s]) => ({
    name,
    ...s,
    relativeMase: s.mase / base.mase,
    relativeWql: s.wql / base.wql,
  }));
  return { rows, foldStarts: windows.map((w) => w.targetStart) };
}
