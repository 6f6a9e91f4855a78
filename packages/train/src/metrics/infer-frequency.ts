// Guesses a series' sampling frequency from its timestamps, as pandas.infer_freq does for the
// regular cases, but tolerant of gaps (market holidays, missing rows): it looks at the median step.

import type { Frequency } from "./season.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The frequency of evenly (or nearly evenly) spaced timestamps, or null when it is none of
 * {@link Frequency}. Daily data with no Saturday or Sunday is business-daily ("B").
 *
 * @param timestamps milliseconds since the epoch (UTC), increasing; NaN entries are ignored.
 * @example
 * inferFrequency([Date.UTC(2020, 0, 6), Date.UTC(2020, 0, 7), Date.UTC(2020, 0, 8)]); // "B"
 */
export function inferFrequency(timestamps: ArrayLike<number>): Frequency | null {
  const t = Array.from(timestamps).filter((v) => !Number.isNaN(v));
  if (t.length < 3) return null;
  const steps = t
    .slice(1)
    .map((v, i) => v - t[i])
    .sort((a, b) => a - b);
  const step = steps[Math.floor(steps.length / 2)];
  const near = (target: number, tolerance: number) => Math.abs(step - target) <= tolerance;
  if (near(MINUTE, 0)) return "min";
  if (near(HOUR, 0)) return "h";
  if (near(DAY, HOUR)) {
    const weekend = t.some((v) => {
      const d = new Date(v).getUTCDay();
      return d === 0 || d === 6;
    });
    return weekend ? "D" : "B";
  }
  if (near(7 * DAY, HOUR)) return "W";
  if (step >= 28 * DAY && step <= 31 * DAY + HOUR) return "M";
  if (step >= 89 * DAY && step <= 92 * DAY + HOUR) return "Q";
  if (step >= 365 * DAY && step <= 366 * DAY + HOUR) return "Y";
  return null;
}
