import { describe, expect, it } from "vitest";
import { makeWindow } from "../src/window.js";

describe("makeWindow", () => {
  it("makeWindow(series, t) views series[t - contextLength, t) and series[t, t + predictionLength)", () => {
    const series = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const w = makeWindow(series, 5, 3, 2);
    expect([w.contextStart, w.targetStart, w.end, w.padding]).toEqual([2, 5, 7, 0]);
    expect([...w.context]).toEqual([2, 3, 4]);
    expect([...w.target]).toEqual([5, 6]);
    expect(w.context.buffer).toBe(series.buffer);
  });

  it("makeWindow(series, t) copies a padded context of the series' own type, NaN first", () => {
    const series = Float32Array.from([10, 11, 12, 13]);
    const w = makeWindow(series, 1, 4, 3);
    expect(w.context).toBeInstanceOf(Float32Array);
    expect(w.context.buffer).not.toBe(series.buffer);
    expect([...w.context]).toEqual([Number.NaN, Number.NaN, Number.NaN, 10]);
    expect([w.contextStart, w.padding]).toEqual([-3, 3]);
    expect(w.target.buffer).toBe(series.buffer); // the target is always inside the series
    series[0] = 99; // the copy does not follow the series
    expect(w.context[3]).toBe(10);
  });
});
