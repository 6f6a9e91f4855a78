import { describe, expect, it } from "vitest";
import { backtest } from "../src/metrics/backtest.js";
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
      expect(rows.map((r) => r.name)).toEqual(["seasonal naive", "naive", "context mean"]);
      for (const r of rows) {
        const want = c.expected[r.name];
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
