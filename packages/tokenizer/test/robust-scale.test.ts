import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NORMAL_IQR, quantileSorted, robustScale } from "../src/robust-scale.js";

const fit = (values: number[], minScale = 0) =>
  robustScale(values, 0, minScale, new Float64Array(values.length));

describe("robustScale", () => {
  it("NORMAL_IQR is the standard normal's interquartile range, 2 Φ⁻¹(0.75)", () => {
    // Φ(0.6744897501960817) = 0.75 (scipy.stats.norm.ppf(0.75)).
    expect(NORMAL_IQR).toBe(2 * 0.6744897501960817);
  });

  it("quantileSorted(sorted, q) interpolates as numpy.quantile's default method", () => {
    // numpy.quantile([1, 2, 4, 8], [0, 0.25, 0.5, 0.75, 1]) = [1, 1.75, 3, 5, 8]
    const sorted = Float64Array.from([1, 2, 4, 8]);
    expect([0, 0.25, 0.5, 0.75, 1].map((q) => quantileSorted(sorted, q))).toEqual([
      1, 1.75, 3, 5, 8,
    ]);
  });

  it("robustScale(values) is the median and IQR / 1.349, which one outlier moves not at all", () => {
    // numpy: median 3, percentile 25 / 75 = 2 / 4.
    expect(fit([1, 2, 3, 4, 5])).toEqual({ location: 3, scale: 2 / NORMAL_IQR });
    expect(fit([1, 2, 3, 4, 1e9])).toEqual({ location: 3, scale: 2 / NORMAL_IQR });
    expect(fit([5, Number.NaN, 1, 4, 2, 3, Number.NaN])).toEqual({
      location: 3,
      scale: 2 / NORMAL_IQR,
    });
  });

  it("robustScale(values) falls back to the mean absolute deviation where the IQR is 0", () => {
    // Eight zeros of ten: median and quartiles 0, mean |x - 0| = 12 / 10.
    expect(fit([0, 0, 2, 0, 0, 0, 0, 10, 0, 0])).toEqual({ location: 0, scale: 1.2 });
  });

  it("robustScale(values) of a constant context is |value|, of zeros or no value 1", () => {
    expect(fit([-7, -7, -7])).toEqual({ location: -7, scale: 7 });
    expect(fit([0, 0])).toEqual({ location: 0, scale: 1 });
    expect(fit([Number.NaN])).toEqual({ location: 0, scale: 1 });
    expect(fit([])).toEqual({ location: 0, scale: 1 });
  });

  it("robustScale(values, start, minScale) raises the scale to minScale × |location|", () => {
    expect(fit([1000, 1000, 1000.001, 1000.002, 1000.002], 1e-3)).toEqual({
      location: 1000.001,
      scale: 1000.001e-3,
    });
    expect(robustScale([99, 1, 2, 3, 4, 5], 1, 0, new Float64Array(6))).toEqual({
      location: 3,
      scale: 2 / NORMAL_IQR,
    });
  });

  it("robustScale(values) agrees with a sort-and-index median and quartiles on any series", () => {
    // Reference: numpy's linear quantile written out, on its own sort.
    const q = (s: number[], p: number) => {
      const h = (s.length - 1) * p;
      const lo = Math.floor(h);
      return lo === s.length - 1 ? s[lo] : s[lo] * (1 - (h - lo)) + s[lo + 1] * (h - lo);
    };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }), (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        const iqr = q(s, 0.75) - q(s, 0.25);
        const got = fit(xs);
        expect(got.location).toBeCloseTo(q(s, 0.5), 9);
        if (iqr > 0) expect(got.scale).toBeCloseTo(iqr / NORMAL_IQR, 9);
        expect(got.scale).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
