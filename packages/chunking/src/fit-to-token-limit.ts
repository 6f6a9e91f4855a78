/**
 * Makes a history fit a model's token limit, one value a token: the context
 * may use `maxTokens - predictionLength` tokens, the rest is left for the
 * forecast. Three ways: keep the most recent values, aggregate buckets of
 * values, or cut overlapping windows that together cover the whole history.
 * Each result says what was done.
 */
import { type Aggregate, aggregateBuckets, valuesPerBucket } from "./aggregate.js";
import type {
  ChunkResult,
  DownsampleResult,
  FitOptions,
  FitResult,
  FitStrategy,
  TruncateResult,
} from "./fit-result.js";
import { checkInteger, checkOptions, checkSeries, type Series, show } from "./validate.js";
import { makeWindow } from "./window.js";

const fn = "fitToTokenLimit";
const strategies: readonly FitStrategy[] = ["truncate", "downsample", "chunk"];
const aggregates: readonly Aggregate[] = ["mean", "last", "ohlc"];

/**
 * Fits `series` to `maxTokens` by `strategy`:
 * - `truncate` keeps the most recent `maxTokens - predictionLength` values;
 * - `downsample` aggregates end-aligned buckets of `factor = ceil(n / buckets)`
 *   steps (the fewest that fit) by `aggregate`;
 * - `chunk` cuts windows of `maxTokens` steps, `stride` apart and anchored at
 *   the series end, the first starting at step 0, so their spans cover every
 *   step and (with `stride <= predictionLength`) every step after the first
 *   context is some window's target. A series shorter than `maxTokens` gives one
 *   NaN-padded window.
 *
 * @example
 * ```ts
 * const fit = fitToTokenLimit(prices, { maxTokens: 512, predictionLength: 64, strategy: "downsample" });
 * console.log(fit.description); // "aggregated 1258 values into 315 buckets of 4 by mean …"
 * ```
 */
export function fitToTokenLimit<S extends Series, K extends FitStrategy>(
  series: S,
  options: FitOptions & { strategy: K },
): Extract<FitResult<S>, { strategy: K }>;
export function fitToTokenLimit<K extends FitStrategy>(
  series: readonly number[],
  options: FitOptions & { strategy: K },
): Extract<FitResult<Float64Array>, { strategy: K }>;
export function fitToTokenLimit(
  series: Series | readonly number[],
  options: FitOptions,
): FitResult {
  const s = checkSeries(fn, series);
  checkOptions(fn, options, ["maxTokens", "predictionLength", "strategy", "aggregate", "stride"]);
  const maxTokens = checkInteger(fn, "maxTokens", options.maxTokens);
  const predictionLength = checkInteger(fn, "predictionLength", options.predictionLength);
  if (predictionLength >= maxTokens) {
    throw new RangeError(
      `${fn}(): predictionLength must be less than maxTokens (${maxTokens}), got ${predictionLength}`,
    );
  }
  const { strategy } = options;
  if (!strategies.includes(strategy)) {
    throw new TypeError(
      `${fn}(): strategy must be one of ${strategies.join(", ")}, got ${show(strategy)}`,
    );
  }
  if (options.aggregate !== undefined && strategy !== "downsample") {
    throw new TypeError(
      `${fn}(): aggregate applies to strategy "downsample" only, got ${show(strategy)}`,
    );
  }
  if (options.stride !== undefined && strategy !== "chunk") {
    throw new TypeError(`${fn}(): stride applies to strategy "chunk" only, got ${show(strategy)}`);
  }
  if (s.length === 0) throw new RangeError(`${fn}(): series must not be empty, got length 0`);
  const budget = maxTokens - predictionLength;
  if (strategy === "truncate") return truncate(s, budget);
  if (strategy === "downsample") return downsample(s, budget, options.aggregate ?? "mean");
  return chunk(s, budget, predictionLength, options.stride);
}

function truncate(s: Series, budget: number): TruncateResult {
  const n = s.length;
  const dropped = Math.max(0, n - budget);
  const description =
    dropped === 0
      ? `${n} values fit in ${budget} context tokens; unchanged`
      : `kept the last ${budget} of ${n} values (dropped the oldest ${dropped})`;
  return {
    strategy: "truncate",
    values: s.subarray(dropped),
    dropped,
    inputLength: n,
    changed: dropped > 0,
    description,
  };
}

function downsample(s: Series, budget: number, aggregate: Aggregate): DownsampleResult {
  if (!aggregates.includes(aggregate)) {
    throw new TypeError(
      `${fn}(): aggregate must be one of ${aggregates.join(", ")}, got ${show(aggregate)}`,
    );
  }
  const n = s.length;
  const width = valuesPerBucket(aggregate);
  const maxBuckets = Math.floor(budget / width);
  if (maxBuckets < 1) {
    throw new RangeError(
      `${fn}(): aggregate "ohlc" needs 4 context tokens, got maxTokens - predictionLength = ${budget}`,
    );
  }
  const factor = Math.max(1, Math.ceil(n / maxBuckets));
  const buckets = Math.ceil(n / factor);
  const firstBucketSize = n - (buckets - 1) * factor;
  const identity = factor === 1 && width === 1;
  const values = identity ? s : aggregateBuckets(s, factor, aggregate);
  const description = identity
    ? `${n} values fit in ${budget} context tokens; unchanged`
    : `aggregated ${n} values into ${buckets} buckets of ${factor} by ${aggregate}` +
      (firstBucketSize < factor ? ` (the oldest bucket holds ${firstBucketSize})` : "");
  return {
    strategy: "downsample",
    aggregate,
    values,
    factor,
    buckets,
    valuesPerBucket: width,
    firstBucketSize,
    inputLength: n,
    changed: !identity,
    description,
  };
}

function chunk(
  s: Series,
  contextLength: number,
  predictionLength: number,
  strideOption?: number,
): ChunkResult {
  const n = s.length;
  const maxTokens = contextLength + predictionLength;
  const stride = checkInteger(fn, "stride", strideOption ?? predictionLength);
  if (stride > maxTokens) {
    throw new RangeError(`${fn}(): stride must be at most maxTokens (${maxTokens}), got ${stride}`);
  }
  if (n <= predictionLength) {
    throw new RangeError(
      `${fn}(): series of length ${n} must be longer than predictionLength ${predictionLength} to chunk`,
    );
  }
  // Split points from the end back, `stride` apart; the first window starts at step 0.
  const firstTarget = Math.min(contextLength, n - predictionLength);
  const starts: number[] = [];
  for (let t = n - predictionLength; t > firstTarget; t -= stride) starts.push(t);
  starts.push(firstTarget);
  starts.reverse();
  const windows = starts.map((t) => makeWindow(s, t, contextLength, predictionLength));
  // Every gap is `stride` except the first, which may be shorter.
  const overlap = starts.length > 1 ? maxTokens - (starts[1] - starts[0]) : 0;
  return {
    strategy: "chunk",
    windows,
    contextLength,
    stride,
    overlap,
    inputLength: n,
    changed: true,
    description:
      `cut ${n} values into ${windows.length} window${windows.length === 1 ? "" : "s"} of ${contextLength} context + ` +
      `${predictionLength} target, ${stride} steps apart from the end` +
      (windows[0].padding > 0 ? ` (the one window is padded by ${windows[0].padding} NaN)` : ""),
  };
}
