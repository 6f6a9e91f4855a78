// `--fit truncate|downsample|chunk`: what a command does with a history longer than the model
// sees at once, through @kairos/chunking's `fitToTokenLimit`: a forecast keeps one context, a
// fine-tune one full-context training window and one test window (context + 2 × prediction length). `chunk` keeps every value and lets
// overlapping windows cover it (fine-tuning's windows); `truncate` keeps the most recent values;
// `downsample` replaces the series by end-aligned bucket means of the fewest steps that fit the
// whole history — horizons, scores and plot are then in buckets (timestamps are each bucket's last;
// the season shrinks by the factor).

import { fitToTokenLimit } from "@kairos/chunking";
import type { SeriesInput } from "./series-input.js";

/** The strategies `--fit` accepts. */
export const FIT_STRATEGIES = ["truncate", "downsample", "chunk"] as const;
export type FitFlag = (typeof FIT_STRATEGIES)[number];

/** A series after `--fit`, and one sentence on what was done (null when unchanged). */
export interface FittedSeries<S extends SeriesInput> {
  series: S;
  description: string | null;
}

/**
 * Fits `series` into `keep` values by `strategy` (`fitToTokenLimit` with `maxTokens` =
 * `keep + predictionLength`).
 *
 * @example
 * const { series, description } = fitHistory(input, "downsample", 128, 32);
 * description; // "aggregated 1260 values into 126 buckets of 10 by mean; horizons are in buckets"
 */
export function fitHistory<S extends SeriesInput>(
  input: S,
  strategy: FitFlag,
  keep: number,
  predictionLength: number,
): FittedSeries<S> {
  if (strategy === "chunk") return { series: input, description: null };
  const options = { maxTokens: keep + predictionLength, predictionLength };
  const { values, timestamps } = input;
  if (strategy === "truncate") {
    const fit = fitToTokenLimit(values, { ...options, strategy });
    if (!fit.changed) return { series: input, description: null };
    const series = {
      ...input,
      values: fit.values,
      timestamps: timestamps ? timestamps.subarray(fit.dropped) : null,
    };
    return { series, description: fit.description };
  }
  const fit = fitToTokenLimit(values, { ...options, strategy, aggregate: "mean" });
  if (!fit.changed) return { series: input, description: null };
  const n = values.length;
  const last = (i: number) => n - 1 - (fit.buckets - 1 - i) * fit.factor;
  const series = {
    ...input,
    values: fit.values,
    timestamps: timestamps
      ? Float64Array.from({ length: fit.buckets }, (_, i) => timestamps[last(i)])
      : null,
    frequency: null,
    season: Math.max(1, Math.round(input.season / fit.factor)),
  };
  return { series, description: `${fit.description}; horizons are in buckets` };
}
