import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Aggregate, aggregateBuckets } from "../src/aggregate.js";

/** Naive reference: cut end-aligned buckets with slice, reduce each with array methods. */
function reference(values: number[], factor: number, aggregate: Aggregate): number[] {
  const buckets: number[][] = [];
  for (let end = values.length; end > 0; end -= factor) {
    buckets.unshift(values.slice(Math.max(0, end - factor), end));
  }
  return buckets.flatMap((bucket) => {
    const seen = bucket.filter((v) => !Number.isNaN(v));
    const none = seen.length === 0;
    if (aggregate === "mean")
      return [none ? Number.NaN : seen.reduce((a, b) => a + b, 0) / seen.length];
    if (aggregate === "last") return [none ? Number.NaN : seen[seen.length - 1]];
    if (none) return [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
    return [seen[0], Math.max(...seen), Math.min(...seen), seen[seen.length - 1]];
  });
}

const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN));

describe("aggregateBuckets", () => {
  it.each(["mean", "last", "ohlc"] as const)(
    "aggregateBuckets(series, factor, %s) matches a naive per-bucket reference, NaN skipped",
    (aggregate) => {
      fc.assert(
        fc.property(
          fc.array(value, { minLength: 1, maxLength: 80 }),
          fc.integer({ min: 1, max: 12 }),
          (values, factor) => {
            const ours = aggregateBuckets(Float64Array.from(values), factor, aggregate);
            const ref = reference(values, factor, aggregate);
            expect(ours.length).toBe(ref.length);
            ours.forEach((v, i) => {
              if (Number.isNaN(ref[i])) expect(v).toBeNaN();
              else expect(v).toBeCloseTo(ref[i], 6);
            });
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it("aggregateBuckets(series, 3, ohlc) keeps the newest bucket whole and the oldest partial", () => {
    const out = aggregateBuckets(Float32Array.from([9, 1, 5, 2, 8, 3, 4]), 3, "ohlc");
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual([9, 9, 9, 9, 1, 5, 1, 2, 8, 8, 3, 4]);
  });
});
