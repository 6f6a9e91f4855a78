import { describe, expect, it } from "vitest";
import { backtest } from "../src/metrics/backtest.js";
import { etsForecast } from "../src/metrics/ets-forecast.js";
import { evaluateForecasts } from "../src/metrics/evaluate-forecasts.js";
import { QUANTILE_LEVELS } from "../src/metrics/quantile-forecast.js";
import { cases, nums } from "./fixtures/metrics/cases.js";

const close = (got: number, want: number) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));

/** The fixture's extra forecaster: the mean of the non-NaN context, with fixed-width quantiles. */
function contextMean(context: Float64Array, horizon: number) {
  let s = 0;
  let n = 0;
  for (const v of context) {
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  const m = new Float64Array(horizon).fill(s / n);
  return {
    median: m,
    levels: QUANTILE_LEVELS,
    quantiles: QUANTILE_LEVELS.map((q) => m.map((v) => v + (q - 0.5) * 4)),
  };
}

/** The ETS row recomputed: etsForecast on the whole past of each fold, scored like the others. */
function etsRow(c: (typeof cases.backtests)[number]) {
  const series = Float64Array.from(nums(c.series));
  const scored = Array.from({ length: c.folds }, (_, k) => {
    const start = series.length - (c.folds - k) * c.horizon;
    const past = series.subarray(0, start);
    const actual = series.subarray(start, start + c.horizon);
    return { context: past, actual, forecast: etsForecast(past, c.horizon, c.season) };
  });
  const s = evaluateForecasts(scored, c.season);
  const base = c.expected["seasonal naive"];
  return { ...s, relativeMase: s.mase / base.mase, relativeWql: s.wql / base.wql };
}

describe("backtest against the numpy rolling-origin reference", () => {
  it("backtest(series, options) scores baselines and a forecaster side by side, relative to seasonal naive", async () => {
    for (const c of cases.backtests) {
      const seen: number[] = [];
      const { rows, foldStarts } = await backtest(Float64Array.from(nums(c.series)), {
        contextLength: c.contextLength,
        horizon: c.horizon,
        folds: c.folds,
        season: c.season,
        forecasters: {
          "context mean": (context, h) => {
            seen.push(context.length);
            return contextMean(context, h);
          },
        },
      });
      expect(seen).toEqual(Array(c.folds).fill(c.contextLength));
      expect(foldStarts).toEqual(
        Array.from({ length: c.folds }, (_, k) => c.series.length - (c.folds - k) * c.horizon),
      );
      expect(rows.map((r) => r.name)).toEqual([
        "seasonal naive",
        "naive",
        "ets (damped)",
        "context mean",
      ]);
      for (const r of rows) {
        // ETS is checked against statsmodels in metrics-ets.test.ts; here its row is its folds'.
        const want = r.name === "ets (damped)" ? etsRow(c) : c.expected[r.name];
        for (const key of ["mase", "smape", "wql", "relativeMase", "relativeWql"] as const)
          close(r[key], want[key]);
      }
    }
  });

  it("backtest(...) says how much data the folds need when the series is too short", async () => {
    await expect(
      backtest(new Float64Array(10), { contextLength: 5, horizon: 5, folds: 3, season: 1 }),
    ).rejects.toThrow(
      /cut must leave at least one training step, got cut -5 for a series of length 10 \(3 folds need 15 steps\)/,
    );
  });
});
