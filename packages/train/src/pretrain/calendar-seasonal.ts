// Calendar seasonality: a series at a real frequency whose seasonal part is a sum of Fourier
// terms in that frequency's cycles (hour of day and day of week for hourly data, day of week and
// day of year for daily, …), with random harmonics, amplitudes and phases, on a linear trend,
// additive or multiplicative, plus AR(1) noise — the structure of Prophet's and GluonTS's
// Fourier time features (Taylor & Letham 2018, §3.2).
import type { Random } from "@kairos/lora";
import { ar1Noise } from "./ar1-noise.js";
import {
  type CalendarFrequency,
  calendarCycles,
  calendarTimestamps,
  randomStart,
} from "./calendar.js";

/** Options of {@link calendarSeasonal}. */
export interface CalendarSeasonalOptions {
  frequency: CalendarFrequency;
  /** First timestamp (ms, UTC); default a random aligned start in 1990–2024. */
  start?: number;
  /** Noise standard deviation relative to the seasonal swing (default 0.03–0.3 at random). */
  noise?: number;
}

/**
 * A seasonal series on `frequency`'s calendar. Each cycle appears with probability 0.7 (at least
 * one always), with 1 to its `maxHarmonics` harmonics of amplitude N(0, a²)/h, a in 0.2–1.
 *
 * @example
 * calendarSeasonal(new Random(1), 24 * 28, { frequency: "h" }); // four weeks of hourly data
 */
export function calendarSeasonal(
  rng: Random,
  length: number,
  options: CalendarSeasonalOptions,
): Float64Array {
  const cycles = calendarCycles(options.frequency);
  const times = calendarTimestamps(
    options.start ?? randomStart(rng, options.frequency),
    options.frequency,
    length,
  );
  const always = rng.int(cycles.length);
  const season = new Float64Array(length);
  cycles.forEach((cycle, c) => {
    if (c !== always && rng.uniform() >= 0.7) return;
    const amplitude = 0.2 + 0.8 * rng.uniform();
    const harmonics = 1 + rng.int(cycle.maxHarmonics);
    for (let h = 1; h <= harmonics; h++) {
      const a = (amplitude * rng.normal()) / h;
      const phi = rng.uniform() * 2 * Math.PI;
      for (let i = 0; i < length; i++)
        season[i] += a * Math.sin(2 * Math.PI * h * cycle.phase(times[i]) + phi);
    }
  });
  let swing = 1e-9;
  for (const s of season) swing = Math.max(swing, Math.abs(s));
  const noise = options.noise ?? 0.03 + 0.27 * rng.uniform();
  const e = ar1Noise(rng, length, rng.uniform() * 0.7, noise * swing);
  const out = new Float64Array(length);
  if (rng.uniform() < 0.4) {
    // multiplicative: swing a fraction 0.1–0.8 of a positive level that drifts by at most ±60%
    const depth = (0.1 + 0.7 * rng.uniform()) / swing;
    const slope = ((rng.uniform() * 2 - 1) * 0.6) / length;
    for (let i = 0; i < length; i++)
      out[i] = (1 + slope * i) * (1 + depth * season[i]) + depth * e[i];
  } else {
    const slope = (rng.normal() * swing) / length;
    for (let i = 0; i < length; i++) out[i] = slope * i + season[i] + e[i];
  }
  return out;
}
