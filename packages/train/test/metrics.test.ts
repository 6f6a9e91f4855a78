import { describe, expect, it } from "vitest";
import { evaluateForecasts } from "../src/metrics/evaluate-forecasts.js";
import { geometricMean, relativeScore } from "../src/metrics/geometric-mean.js";
import { mase } from "../src/metrics/mase.js";
import type { QuantileForecast } from "../src/metrics/quantile-forecast.js";
import { quantileLoss, wql } from "../src/metrics/quantile-loss.js";
import { seasonalError } from "../src/metrics/seasonal-error.js";
import { smape } from "../src/metrics/smape.js";
import { cases, nums } from "./fixtures/metrics/cases.js";

const close = (got: number, want: number) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));

const forecastOf = (quantiles: number[][]): QuantileForecast => ({
  median: quantiles[4],
  levels: cases.levels,
  quantiles,
});

describe("metrics against the numpy reference of the GluonTS formulas", () => {
  it("seasonalError(context, season) matches GluonTS, including season ≥ length and NaNs", () => {
    for (const c of cases.windows)
      close(seasonalError(nums(c.context), c.season), c.expected.seasonalError);
  });

  it("mase(actual, median, context, season) matches the GluonTS formula on fixtures", () => {
    for (const c of cases.windows) {
      close(mase(nums(c.actual), c.quantiles[4], nums(c.context), c.season), c.expected.mase);
    }
  });

  it("smape(actual, median) matches the GluonTS formula on fixtures and counts 0/0 as 0", () => {
    for (const c of cases.windows) close(smape(nums(c.actual), c.quantiles[4]), c.expected.smape);
    const z = cases.smapeZeros;
    close(smape(z.actual, z.forecast), z.expected);
  });

  it("quantileLoss(actual, path, q) matches GluonTS's 2·Σ pinball loss per level", () => {
    for (const c of cases.windows) {
      cases.levels.forEach((q, i) => {
        close(quantileLoss(nums(c.actual), c.quantiles[i], q), c.expected.quantileLoss[i]);
      });
    }
  });

  it("wql(actual, forecast) matches MeanWeightedSumQuantileLoss on one window", () => {
    for (const c of cases.windows)
      close(wql(nums(c.actual), forecastOf(c.quantiles)), c.expected.wql);
  });

  it("evaluateForecasts(windows, season) aggregates over windows as evaluate_forecasts(axis=None)", () => {
    for (const a of cases.aggregates) {
      const windows = a.windows.map((i) => {
        const c = cases.windows[i];
        return {
          context: nums(c.context),
          actual: nums(c.actual),
          forecast: forecastOf(c.quantiles),
        };
      });
      const got = evaluateForecasts(windows, a.season);
      close(got.mase, a.expected.mase);
      close(got.smape, a.expected.smape);
      close(got.wql, a.expected.wql);
    }
  });

  it("geometricMean(values) and relativeScore(scores, baseline) follow Chronos's aggregation", () => {
    close(geometricMean(cases.geometricMean.values), cases.geometricMean.expected);
    close(relativeScore([1, 4], [2, 2]), 1);
    expect(() => geometricMean([1, 0])).toThrow(
      /values\[1\] must be a positive finite number, got 0/,
    );
    expect(() => geometricMean([])).toThrow(/must not be empty/);
    expect(() => relativeScore([1], [1, 2])).toThrow(/one score per dataset \(1\), got 2/);
  });

  it("mase(...) and wql(...) reject mismatched lengths naming the argument", () => {
    expect(() => mase([1, 2], [1], [1, 2, 3], 1)).toThrow(
      /forecast must have the length of actual \(2\), got 1/,
    );
    expect(() => seasonalError([1, 2], 0)).toThrow(/season must be a positive integer, got 0/);
    expect(() => wql([1, 2], { median: [1, 2], levels: [0.5], quantiles: [[1]] })).toThrow(
      /quantiles\[0\] must have length 2, got 1/,
    );
  });
});
