// Real calendars for synthetic series: the timestamps of a series at a frequency (hourly, daily,
// business-daily, weekly, monthly, quarterly; UTC, leap years and month lengths as they are) and
// the cycles that frequency carries, each a phase in [0, 1) of a timestamp — hour of day and day
// of week for hourly data, day of week and day of year for daily, month of year for monthly, as
// GluonTS's time features (gluonts/time_feature/_base.py) and Chronos's seasonal periods.
import type { Random } from "@kairos/lora";
import type { Frequency } from "../metrics/season.js";

/** The frequencies a calendar series can be drawn at (pandas offset aliases). */
export type CalendarFrequency = Extract<Frequency, "h" | "D" | "B" | "W" | "M" | "Q">;

/** Every {@link CalendarFrequency}, shortest step first. */
export const CALENDAR_FREQUENCIES: readonly CalendarFrequency[] = ["h", "D", "B", "W", "M", "Q"];

/** A calendar cycle of a frequency. */
export interface CalendarCycle {
  /** e.g. `"hour of day"`. */
  name: string;
  /** Nominal length in steps (365.25 days for the year of daily data). */
  period: number;
  /** Most harmonics a series gives it (below the Nyquist limit period / 2). */
  maxHarmonics: number;
  /** Position of a timestamp (ms since the epoch, UTC) in the cycle, in [0, 1). */
  phase: (time: number) => number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const weekday = (t: number) => (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
const hourOfDay = (t: number) => (t % DAY) / DAY;
const yearFraction = (t: number) => {
  const y = new Date(t).getUTCFullYear();
  const start = Date.UTC(y, 0, 1);
  return (t - start) / (Date.UTC(y + 1, 0, 1) - start);
};
const month = (t: number) => new Date(t).getUTCMonth();

const CYCLES: Record<CalendarFrequency, CalendarCycle[]> = {
  h: [
    { name: "hour of day", period: 24, maxHarmonics: 4, phase: hourOfDay },
    {
      name: "day of week",
      period: 168,
      maxHarmonics: 3,
      phase: (t) => (weekday(t) + hourOfDay(t)) / 7,
    },
  ],
  D: [
    { name: "day of week", period: 7, maxHarmonics: 3, phase: (t) => weekday(t) / 7 },
    { name: "day of year", period: 365.25, maxHarmonics: 4, phase: yearFraction },
  ],
  B: [
    { name: "day of week", period: 5, maxHarmonics: 2, phase: (t) => weekday(t) / 5 },
    { name: "day of year", period: 261, maxHarmonics: 3, phase: yearFraction },
  ],
  W: [{ name: "week of year", period: 52.18, maxHarmonics: 4, phase: yearFraction }],
  M: [{ name: "month of year", period: 12, maxHarmonics: 4, phase: (t) => month(t) / 12 }],
  Q: [
    {
      name: "quarter of year",
      period: 4,
      maxHarmonics: 1,
      phase: (t) => Math.floor(month(t) / 3) / 4,
    },
  ],
};

function checkFrequency(fn: string, frequency: string): asserts frequency is CalendarFrequency {
  if (!Object.hasOwn(CYCLES, frequency)) {
    throw new RangeError(
      `${fn}: frequency must be one of ${CALENDAR_FREQUENCIES.join(", ")}, got ${JSON.stringify(frequency)}`,
    );
  }
}

/**
 * The cycles of a frequency, shortest first.
 *
 * @example
 * calendarCycles("h").map((c) => c.period); // [24, 168]
 */
export function calendarCycles(frequency: CalendarFrequency): readonly CalendarCycle[] {
  checkFrequency("calendarCycles()", frequency);
  return CYCLES[frequency];
}

/** The step after `t`: weekends skipped for "B", calendar months for "M" and "Q". */
function nextTime(t: number, frequency: CalendarFrequency): number {
  const d = new Date(t);
  switch (frequency) {
    case "h":
      return t + HOUR;
    case "D":
      return t + DAY;
    case "B":
      return t + (weekday(t) === 4 ? 3 : weekday(t) === 5 ? 2 : 1) * DAY;
    case "W":
      return t + 7 * DAY;
    case "M":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    case "Q":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1);
  }
}

/**
 * `length` timestamps (ms, UTC) from `start` at `frequency`.
 *
 * @example
 * calendarTimestamps(Date.UTC(2024, 0, 5), "B", 2); // Friday 5, Monday 8 January 2024
 */
export function calendarTimestamps(
  start: number,
  frequency: CalendarFrequency,
  length: number,
): Float64Array {
  checkFrequency("calendarTimestamps()", frequency);
  const out = new Float64Array(length);
  let t = start;
  for (let i = 0; i < length; i++) {
    out[i] = t;
    t = nextTime(t, frequency);
  }
  return out;
}

/**
 * A random start between 1990 and 2024 aligned to the frequency: a whole hour, a day's midnight,
 * a weekday for "B", the first of a month or a quarter for "M" and "Q".
 *
 * @example
 * new Date(randomStart(new Random(1), "M")).getUTCDate(); // 1
 */
export function randomStart(rng: Random, frequency: CalendarFrequency): number {
  checkFrequency("randomStart()", frequency);
  const year = 1990 + rng.int(35);
  const m = rng.int(12);
  if (frequency === "M") return Date.UTC(year, m, 1);
  if (frequency === "Q") return Date.UTC(year, m - (m % 3), 1);
  let t = Date.UTC(year, m, 1 + rng.int(28));
  if (frequency === "h") t += rng.int(24) * HOUR;
  if (frequency === "B" && weekday(t) >= 5) t += (7 - weekday(t)) * DAY;
  return t;
}
