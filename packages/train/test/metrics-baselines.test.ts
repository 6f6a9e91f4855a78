import { describe, expect, it } from "vitest";
import { naiveForecast, seasonalNaiveForecast } from "../src/metrics/baselines.js";
import { normalQuantile } from "../src/metrics/normal-quantile.js";
import { cases, nums } from "./fixtures/metrics/cases.js";

const closeAll = (got: ArrayLike<number>, want: number[]) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[i])));
  }
};

describe("baselines against the numpy reference (FPP3 §5.5 intervals)", () => {
  it("normalQuantile(p) matches Python's NormalDist().inv_cdf to 1e-11, tails included", () => {
    // Python's AS241 is itself off by ~6e-12 at p = 1e-6 (Φ of its answer misses p by 3e-11
    // relative, Φ of ours by 4e-15), hence 1e-11 rather than 1e-12.
    for (const { p, z } of cases.normalQuantile) {
      expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(z)));
    }
    expect(() => normalQuantile(1)).toThrow(/p must be in \(0, 1\), got 1/);
  });

  it("naiveForecast(context, horizon) repeats the last value with σ√h bands", () => {
    for (const c of cases.windows) {
      const f = naiveForecast(nums(c.context), c.actual.length);
      closeAll(f.median, c.expected.naive.median);
      f.quantiles.forEach((q, i) => {
        closeAll(q, c.expected.naive.quantiles[i]);
      });
    }
  });

  it("seasonalNaiveForecast(context, horizon, season) repeats the last season, skipping NaNs", () => {
    for (const c of cases.windows) {
      const f = seasonalNaiveForecast(nums(c.context), c.actual.length, c.season);
      closeAll(f.median, c.expected.seasonalNaive.median);
      f.quantiles.forEach((q, i) => {
        closeAll(q, c.expected.seasonalNaive.quantiles[i]);
      });
    }
    closeAll(seasonalNaiveForecast([1, 2, 3, 4], 3, 2).median, [3, 4, 3]);
  });

  it("seasonalNaiveForecast(...) rejects a bad horizon, season or all-NaN context", () => {
    expect(() => seasonalNaiveForecast([1, 2], 0, 1)).toThrow(
      /horizon must be a positive integer, got 0/,
    );
    expect(() => seasonalNaiveForecast([1, 2], 2, 1.5)).toThrow(
      /season must be a positive integer, got 1.5/,
    );
    expect(() => naiveForecast([Number.NaN], 2)).toThrow(/at least one non-NaN value/);
  });
});
