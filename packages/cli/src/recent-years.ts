// `--years N`: with the bundled S&P 500 (20 years of trading days), the main job fine-tunes on its
// last N years; a `--csv` series is used whole. Values and timestamps are cut together, once, so
// training, the validation report and the plot all see the same series.

import type { SeriesInput } from "./series-input.js";

/** `--years` when not given: the README's main job, five years of daily closes. */
export const DEFAULT_YEARS = 5;

/** Trading days in a year of daily business data (the bundled S&P 500). */
const TRADING_DAYS_A_YEAR = 252;

/** The last `years` × 252 values of the bundled series (all of a `--csv` one), timestamps alike. */
export function recentYears(series: SeriesInput, years: number, csv: string | undefined) {
  const n = series.values.length;
  const keep = csv ? n : Math.min(n, years * TRADING_DAYS_A_YEAR);
  return {
    ...series,
    values: series.values.subarray(n - keep),
    timestamps: series.timestamps ? series.timestamps.subarray(n - keep) : null,
  };
}
