import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitToTokenLimit } from "../src/fit-to-token-limit.js";

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe("fitToTokenLimit", () => {
  it("fitToTokenLimit(series, truncate) keeps the most recent values as a view and says so", () => {
    const s = ramp(1000);
    const r = fitToTokenLimit(s, { maxTokens: 512, predictionLength: 64, strategy: "truncate" });
    expect(r.values.length).toBe(448);
    expect(r.values[0]).toBe(552);
    expect(r.values.buffer).toBe(s.buffer);
    expect(r.dropped).toBe(552);
    expect(r.changed).toBe(true);
    expect(r.description).toBe("kept the last 448 of 1000 values (dropped the oldest 552)");
    const fits = fitToTokenLimit(ramp(100), {
      maxTokens: 512,
      predictionLength: 64,
      strategy: "truncate",
    });
    expect([fits.changed, fits.dropped, fits.values.length]).toEqual([false, 0, 100]);
  });

  it("fitToTokenLimit(series, downsample) picks the smallest bucket factor that fits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 8, max: 300 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom("mean", "last", "ohlc") as fc.Arbitrary<"mean" | "last" | "ohlc">,
        (n, maxTokens, predictionLength, aggregate) => {
          const r = fitToTokenLimit(ramp(n), {
            maxTokens,
            predictionLength,
            strategy: "downsample",
            aggregate,
          });
          const width = aggregate === "ohlc" ? 4 : 1;
          const budget = maxTokens - predictionLength;
          expect(r.values.length).toBe(r.buckets * width);
          expect(r.values.length).toBeLessThanOrEqual(budget);
          if (r.factor > 1) expect(Math.ceil(n / (r.factor - 1)) * width).toBeGreaterThan(budget);
          expect((r.buckets - 1) * r.factor + r.firstBucketSize).toBe(n);
          expect(r.firstBucketSize).toBeGreaterThan(0);
          expect(r.firstBucketSize).toBeLessThanOrEqual(r.factor);
          // On a ramp, the last value of the newest bucket is the newest value.
          expect(r.values[r.values.length - 1]).toBe(
            aggregate === "mean" ? n - 1 - (r.factor - 1) / 2 : n - 1,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fitToTokenLimit(series, downsample) reports what it did, end-aligned buckets", () => {
    const r = fitToTokenLimit(ramp(10), {
      maxTokens: 5,
      predictionLength: 1,
      strategy: "downsample",
      aggregate: "last",
    });
    // Buckets of 3 from the end: [0] [1 2 3] [4 5 6] [7 8 9].
    expect([...r.values]).toEqual([0, 3, 6, 9]);
    expect([r.factor, r.buckets, r.firstBucketSize, r.changed]).toEqual([3, 4, 1, true]);
    expect(r.description).toBe(
      "aggregated 10 values into 4 buckets of 3 by last (the oldest bucket holds 1)",
    );
    const ohlc = fitToTokenLimit(Float32Array.from([3, 1, 4, 1, 5, 9, 2, 6]), {
      maxTokens: 10,
      predictionLength: 2,
      strategy: "downsample",
      aggregate: "ohlc",
    });
    expect(ohlc.values).toBeInstanceOf(Float32Array);
    expect([...ohlc.values]).toEqual([3, 4, 1, 1, 5, 9, 2, 6]);
    const same = fitToTokenLimit(ramp(8), {
      maxTokens: 10,
      predictionLength: 2,
      strategy: "downsample",
    });
    expect([same.changed, same.factor, same.description]).toEqual([
      false,
      1,
      "8 values fit in 8 context tokens; unchanged",
    ]);
  });

  it("fitToTokenLimit(series, chunk) covers the whole history with overlapping windows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 2000 }),
        fc.integer({ min: 2, max: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.option(fc.integer({ min: 1, max: 240 }), { nil: undefined }),
        (n, maxTokens, p, strideOption) => {
          const predictionLength = Math.min(p, maxTokens - 1, n - 1);
          const contextLength = maxTokens - predictionLength;
          const stride = Math.min(strideOption ?? predictionLength, maxTokens);
          const r = fitToTokenLimit(ramp(n), {
            maxTokens,
            predictionLength,
            strategy: "chunk",
            stride: strideOption === undefined ? undefined : stride,
          });
          const ws = r.windows;
          const covered = new Uint8Array(n);
          const targeted = new Uint8Array(n);
          let badShapes = 0;
          for (const w of ws) {
            if (w.context.length !== contextLength || w.target.length !== predictionLength)
              badShapes++;
            for (const v of w.context) if (!Number.isNaN(v)) covered[v] = 1;
            for (const v of w.target) covered[v] = targeted[v] = 1;
          }
          expect(badShapes).toBe(0);
          expect(covered.every((c) => c === 1)).toBe(true);
          expect(ws[ws.length - 1].end).toBe(n);
          expect(Math.max(ws[0].contextStart, 0)).toBe(0);
          const gaps = ws.slice(1).map((w, k) => w.targetStart - ws[k].targetStart);
          expect(gaps.every((gap) => gap > 0 && gap <= stride)).toBe(true);
          expect(gaps.slice(1).every((gap) => gap === stride)).toBe(true);
          if (stride <= predictionLength) {
            const from = Math.min(contextLength, n - predictionLength);
            expect(targeted.subarray(from).every((t) => t === 1)).toBe(true);
          }
          if (ws.length > 1)
            expect(r.overlap).toBe(maxTokens - (ws[1].targetStart - ws[0].targetStart));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fitToTokenLimit(series, chunk) gives one padded window for a short series", () => {
    const r = fitToTokenLimit(ramp(6), { maxTokens: 8, predictionLength: 2, strategy: "chunk" });
    expect(r.windows.length).toBe(1);
    expect(r.windows[0].padding).toBe(2);
    expect([...r.windows[0].target]).toEqual([4, 5]);
    expect(r.description).toBe(
      "cut 6 values into 1 window of 6 context + 2 target, 2 steps apart from the end (the one window is padded by 2 NaN)",
    );
  });

  it("fitToTokenLimit(series) rejects bad options, naming the argument and value", () => {
    const s = ramp(50);
    expect(() =>
      fitToTokenLimit(s, { maxTokens: 8, predictionLength: 8, strategy: "truncate" }),
    ).toThrow(
      new RangeError("fitToTokenLimit(): predictionLength must be less than maxTokens (8), got 8"),
    );
    expect(() =>
      fitToTokenLimit(s, { maxTokens: 0, predictionLength: 1, strategy: "truncate" }),
    ).toThrow("fitToTokenLimit(): maxTokens must be a positive integer, got 0");
    expect(() =>
      fitToTokenLimit(s, { maxTokens: 8, predictionLength: 1, strategy: "squash" as never }),
    ).toThrow(
      new TypeError(
        'fitToTokenLimit(): strategy must be one of truncate, downsample, chunk, got "squash"',
      ),
    );
    expect(() =>
      fitToTokenLimit(s, {
        maxTokens: 8,
        predictionLength: 1,
        strategy: "downsample",
        aggregate: "median" as never,
      }),
    ).toThrow('fitToTokenLimit(): aggregate must be one of mean, last, ohlc, got "median"');
    expect(() =>
      fitToTokenLimit(s, {
        maxTokens: 8,
        predictionLength: 1,
        strategy: "truncate",
        aggregate: "mean",
      }),
    ).toThrow(/aggregate applies to strategy "downsample" only/);
    expect(() =>
      fitToTokenLimit(s, {
        maxTokens: 4,
        predictionLength: 1,
        strategy: "downsample",
        aggregate: "ohlc",
      }),
    ).toThrow(/needs 4 context tokens, got maxTokens - predictionLength = 3/);
    expect(() =>
      fitToTokenLimit(ramp(3), { maxTokens: 8, predictionLength: 3, strategy: "chunk" }),
    ).toThrow(
      "fitToTokenLimit(): series of length 3 must be longer than predictionLength 3 to chunk",
    );
    expect(() =>
      fitToTokenLimit(s, { maxTokens: 8, predictionLength: 3, strategy: "chunk", stride: 9 }),
    ).toThrow("fitToTokenLimit(): stride must be at most maxTokens (8), got 9");
    expect(() =>
      fitToTokenLimit([1, Infinity], { maxTokens: 8, predictionLength: 1, strategy: "truncate" }),
    ).toThrow("fitToTokenLimit(): series[1] must be finite or NaN, got Infinity");
  });
});
