import { describe, expect, it } from "vitest";
import { recentYears } from "../src/recent-years.js";
import type { SeriesInput } from "../src/series-input.js";

const series = (n: number): SeriesInput => ({
  file: "x.csv",
  column: "close",
  values: Float64Array.from({ length: n }, (_, i) => i),
  timestamps: Float64Array.from({ length: n }, (_, i) => 1000 * i),
  frequency: "B",
  season: 5,
});

describe("recentYears", () => {
  it("recentYears(bundled, 2) keeps the last 2 × 252 values and their timestamps", () => {
    const s = recentYears(series(600), 2, undefined);
    expect([s.values.length, s.values[0], s.timestamps?.[0]]).toEqual([504, 96, 96_000]);
  });

  it("recentYears(series, years, csv) keeps a --csv series whole, and a short one whole", () => {
    expect(recentYears(series(600), 1, "my.csv").values.length).toBe(600);
    expect(recentYears(series(100), 5, undefined).values.length).toBe(100);
  });
});
