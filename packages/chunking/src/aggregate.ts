/**
 * Bucket aggregation for downsampling: `factor` consecutive values become one
 * mean, one last value, or one open/high/low/close quadruple. Buckets are
 * aligned to the end of the series so the most recent bucket is whole; only the
 * oldest may be partial. NaN is a missing value and is skipped; a bucket with
 * no observed value aggregates to NaN.
 */
import type { Series } from "./validate.js";

/** How a bucket is reduced. `ohlc` yields 4 values a bucket. */
export type Aggregate = "mean" | "last" | "ohlc";

/** Values each bucket yields under `aggregate`. */
export function valuesPerBucket(aggregate: Aggregate): 1 | 4 {
  return aggregate === "ohlc" ? 4 : 1;
}

/**
 * Aggregates `series` in buckets of `factor` steps, end-aligned.
 *
 * @returns `[buckets * valuesPerBucket]` values, oldest bucket first; for `ohlc`
 *   bucket `b` is `[open, high, low, close]` at `4b .. 4b+3`.
 */
export function aggregateBuckets<S extends Series>(
  series: S,
  factor: number,
  aggregate: Aggregate,
): S {
  const n = series.length;
  const buckets = Math.ceil(n / factor);
  const width = valuesPerBucket(aggregate);
  const out = new (series.constructor as new (length: number) => S)(buckets * width);
  for (let b = 0; b < buckets; b++) {
    const end = n - (buckets - 1 - b) * factor;
    const start = Math.max(0, end - factor);
    let count = 0;
    let sum = 0;
    let first = Number.NaN;
    let last = Number.NaN;
    let high = -Infinity;
    let low = Infinity;
    for (let i = start; i < end; i++) {
      const v = series[i];
      if (Number.isNaN(v)) continue; // missing
      if (count === 0) first = v;
      count++;
      sum += v;
      last = v;
      if (v > high) high = v;
      if (v < low) low = v;
    }
    if (aggregate === "mean") out[b] = count === 0 ? Number.NaN : sum / count;
    else if (aggregate === "last") out[b] = last;
    else {
      out[4 * b] = first;
      out[4 * b + 1] = count === 0 ? Number.NaN : high;
      out[4 * b + 2] = count === 0 ? Number.NaN : low;
      out[4 * b + 3] = last;
    }
  }
  return out;
}
