// The seasonal period m that MASE's scale and the seasonal-naive baseline use, from the data's
// sampling frequency. GluonTS's table (gluonts/time_feature/seasonality.py) gives hourly 24,
// business-daily 5, monthly 12, quarterly 4; for daily and weekly data it gives 1, where Kairos,
// like Hyndman's forecasting conventions (FPP3 §2.1), uses the weekly cycle 7 and the yearly 52,
// so seasonal naive differs from naive. `--season` overrides.

/** Sampling frequencies Kairos recognises, in pandas' offset-alias spelling. */
export type Frequency = "min" | "h" | "B" | "D" | "W" | "M" | "Q" | "Y";

const SEASONS: Record<Frequency, number> = {
  min: 1440,
  h: 24,
  B: 5,
  D: 7,
  W: 52,
  M: 12,
  Q: 4,
  Y: 1,
};

/**
 * The seasonal period of a frequency.
 *
 * @example
 * seasonFromFrequency("B"); // 5 (a trading week)
 */
export function seasonFromFrequency(frequency: Frequency): number {
  const m = SEASONS[frequency];
  if (m === undefined) {
    throw new RangeError(
      `seasonFromFrequency(): frequency must be one of ${Object.keys(SEASONS).join(", ")}, got ${frequency}`,
    );
  }
  return m;
}
