/**
 * What {@link fitToTokenLimit} returns: the fitted data and a report of what
 * was done, one shape a strategy.
 */
import type { Aggregate } from "./aggregate.js";
import type { Series } from "./validate.js";
import type { Window } from "./window.js";

/** How `fitToTokenLimit` makes a series fit. */
export type FitStrategy = "truncate" | "downsample" | "chunk";

/** Options of `fitToTokenLimit`. */
export interface FitOptions {
  /** Tokens the model takes: context plus prediction. Positive integer. */
  maxTokens: number;
  /** Tokens kept for the forecast; positive integer below `maxTokens`. */
  predictionLength: number;
  /** `truncate`, `downsample` or `chunk`. */
  strategy: FitStrategy;
  /** `downsample` only: `mean` (default), `last` or `ohlc` (4 tokens a bucket). */
  aggregate?: Aggregate;
  /** `chunk` only: steps between windows, `1 .. maxTokens`; default `predictionLength`. */
  stride?: number;
}

/** What every strategy reports. */
export interface FitReport {
  /** Length of the input series. */
  inputLength: number;
  /** Whether the result differs from the input. */
  changed: boolean;
  /** One sentence on what was done. */
  description: string;
}

/** `truncate`: the last `maxTokens - predictionLength` values, a view. */
export interface TruncateResult<S extends Series = Series> extends FitReport {
  strategy: "truncate";
  values: S;
  /** Oldest values left out. */
  dropped: number;
}

/** `downsample`: end-aligned buckets of `factor` steps, aggregated. */
export interface DownsampleResult<S extends Series = Series> extends FitReport {
  strategy: "downsample";
  aggregate: Aggregate;
  /** `[buckets * valuesPerBucket]`; for `ohlc`, `[open, high, low, close]` a bucket. */
  values: S;
  /** Steps a bucket covers (1: no aggregation). */
  factor: number;
  buckets: number;
  valuesPerBucket: 1 | 4;
  /** Steps in the oldest bucket (the only one that may be partial). */
  firstBucketSize: number;
}

/** `chunk`: windows of `maxTokens - predictionLength` context and `predictionLength` target. */
export interface ChunkResult<S extends Series = Series> extends FitReport {
  strategy: "chunk";
  windows: Window<S>[];
  contextLength: number;
  stride: number;
  /** Steps shared by consecutive windows' spans (at least `maxTokens - stride`). */
  overlap: number;
}

export type FitResult<S extends Series = Series> =
  | TruncateResult<S>
  | DownsampleResult<S>
  | ChunkResult<S>;
