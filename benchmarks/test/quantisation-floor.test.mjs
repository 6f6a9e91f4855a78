import { describe, expect, it } from "vitest";
import { quantisationFloor, rollingWindows } from "../src/quantisation-floor.mjs";

describe("quantisation floor", () => {
  it("rollingWindows(values, horizon, season, options) spreads origins back from the end", () => {
    const values = Float64Array.from({ length: 100 }, (_, t) => t);
    // Shortest context max(2·1 + 1, 2·5, 8) = 10; stride ⌊(100 − 5 − 10) / 2⌋ = 42.
    const w = rollingWindows(values, 5, 1, { count: 3, contextLength: 10 });
    expect(w.map((x) => [x.context[0], x.context.length, x.future[0], x.future.length])).toEqual([
      [85, 10, 95, 5],
      [43, 10, 53, 5],
      [1, 10, 11, 5],
    ]);
    expect(rollingWindows(values.subarray(0, 12), 5, 1, { count: 3, contextLength: 10 })).toEqual(
      [],
    );
  });

  it("quantisationFloor(tok, …) is the decoded future's MASE over seasonal naive's", () => {
    // A ramp of slope 3: seasonal naive (season 1) repeats the last value, errors 3 · (1 … h),
    // mean 3 (h + 1) / 2; a "tokenizer" that decodes every value 0.5 too high has error 0.5.
    const tok = {
      encode: () => ({ scale: 0 }),
      encodeLabels: (future) => ({ ids: Array.from(future) }),
      decode: (ids) => Float64Array.from(ids, (v) => v + 0.5),
    };
    const values = Float64Array.from({ length: 60 }, (_, t) => 3 * t);
    const windows = rollingWindows(values, 4, 1, { count: 5, contextLength: 20 });
    const beyond = (_, x) => x > 170; // the last value, 177, counts as clamped
    const r = quantisationFloor(tok, beyond, windows, 1);
    // The seasonal error (3 in every context) cancels: 0.5 / (3 · 2.5).
    expect(r.floor).toBeCloseTo(0.5 / 7.5, 12);
    expect(r.windows).toBe(5);
    expect(r.clamped).toBeCloseTo(3 / 20, 12); // 171, 174, 177 of the 5 × 4 future values
  });
});
