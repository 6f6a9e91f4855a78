// A seeded endless stream of general synthetic series for pretraining: each a family drawn by
// weight (KernelSynth GP draws, calendar seasonality, GARCH price paths, changepoint trends,
// intermittent demand, level shifts, spikes, random walks, TSMixup mixtures; synthetic-families.ts),
// at a length drawn from a list, then scaled, and shifted unless non-negative by construction.
import { Random } from "@kairos/lora";
import type { CalendarFrequency } from "./calendar.js";
import { CALENDAR_FREQUENCIES } from "./calendar.js";
import {
  DEFAULT_FAMILY_WEIGHTS,
  DEFAULT_FREQUENCY_WEIGHTS,
  drawFamily,
  type FamilyMix,
  SYNTHETIC_FAMILIES,
  type SyntheticFamily,
} from "./synthetic-families.js";
import { checkWeights, weightedChoice } from "./weighted-choice.js";

/** Options of {@link syntheticSeries}. */
export interface SyntheticOptions {
  seed: number;
  /** Series lengths to draw from (default [128, 192, 256]). */
  lengths?: number[];
  /**
   * Relative weight of each family (unlisted = 0); default {@link DEFAULT_FAMILY_WEIGHTS}.
   * `KAIROS_TINY_FAMILY_WEIGHTS` gives the stream kairos-base-tiny was trained on.
   */
  families?: Partial<Record<SyntheticFamily, number>>;
  /** Relative weight of each calendar frequency; default {@link DEFAULT_FREQUENCY_WEIGHTS}. */
  frequencies?: Partial<Record<CalendarFrequency, number>>;
}

const fn = "syntheticSeries()";

function checkOptions(options: SyntheticOptions): void {
  if (!Number.isInteger(options.seed))
    throw new RangeError(`${fn}: seed must be an integer, got ${options.seed}`);
  const { lengths } = options;
  if (
    lengths !== undefined &&
    (!Array.isArray(lengths) ||
      lengths.length === 0 ||
      !lengths.every((n) => Number.isInteger(n) && n > 0))
  ) {
    throw new RangeError(
      `${fn}: lengths must be a non-empty array of positive integers, got ${JSON.stringify(lengths)}`,
    );
  }
  if (options.families) checkWeights(fn, "families", options.families, SYNTHETIC_FAMILIES);
  if (options.frequencies)
    checkWeights(fn, "frequencies", options.frequencies, CALENDAR_FREQUENCIES);
}

/**
 * An endless seeded stream of series, each of a family drawn by `families`' weights, shifted
 * (half of the signed ones, by N(0, 3²)) and scaled by exp(N(0, 2²)).
 *
 * @example
 * const it = syntheticSeries({ seed: 1, families: { calendar: 1 }, frequencies: { h: 1 } });
 * const series = it.next().value; // Float64Array of hourly data
 */
export function* syntheticSeries(options: SyntheticOptions): Generator<Float64Array> {
  checkOptions(options);
  const rng = new Random(options.seed);
  const lengths = options.lengths ?? [128, 192, 256];
  const mix: FamilyMix = {
    families: options.families ?? DEFAULT_FAMILY_WEIGHTS,
    frequencies: options.frequencies ?? DEFAULT_FREQUENCY_WEIGHTS,
  };
  for (;;) {
    const n = lengths[rng.int(lengths.length)];
    const family = weightedChoice(rng, mix.families) as SyntheticFamily;
    const { series: x, nonNegative } = drawFamily(rng, family, n, mix);
    const scale = Math.exp(rng.normal() * 2);
    const offset = rng.uniform() < 0.5 || nonNegative ? 0 : rng.normal() * 3;
    for (let i = 0; i < n; i++) x[i] = (x[i] + offset) * scale;
    yield x;
  }
}
