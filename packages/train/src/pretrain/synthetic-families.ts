// The generator families of the synthetic pretraining data, their default weights and how one
// series of a family is drawn. Each family lives in its own file; this is the table over them.
import type { Random } from "@kairos/lora";
import type { CalendarFrequency } from "./calendar.js";
import { calendarSeasonal } from "./calendar-seasonal.js";
import { changepointTrend } from "./changepoint-trend.js";
import { intermittent } from "./intermittent.js";
import { composeKernel, sampleGaussianProcess } from "./kernels.js";
import { levelShifts } from "./level-shifts.js";
import { multiplicativeSeasonal } from "./multiplicative-seasonal.js";
import { pricePath } from "./price-path.js";
import { randomWalk } from "./random-walk.js";
import { spikes } from "./spikes.js";
import { trendWithShifts } from "./trend-with-shifts.js";
import { tsMixup } from "./ts-mixup.js";
import { weightedChoice } from "./weighted-choice.js";

/** A family of synthetic series. */
export type SyntheticFamily =
  | "kernelSynth"
  | "calendar"
  | "price"
  | "changepoints"
  | "intermittent"
  | "levelShifts"
  | "spikes"
  | "randomWalk"
  | "trendShifts"
  | "seasonal"
  | "mixup";

/** Families whose series are never negative: no random offset is added to them. */
const NON_NEGATIVE: ReadonlySet<SyntheticFamily> = new Set(["price", "intermittent"]);

/**
 * The default mixture: a quarter KernelSynth GP draws (as Chronos's KernelSynth share), a fifth
 * calendar seasonality, a tenth each price paths, changepoint trends and TSMixup mixtures, the
 * rest intermittent demand, level shifts, spikes and random walks.
 */
export const DEFAULT_FAMILY_WEIGHTS: Readonly<Record<SyntheticFamily, number>> = {
  kernelSynth: 0.25,
  calendar: 0.2,
  price: 0.1,
  changepoints: 0.1,
  intermittent: 0.08,
  levelShifts: 0.05,
  spikes: 0.05,
  randomWalk: 0.05,
  trendShifts: 0,
  seasonal: 0,
  mixup: 0.12,
};

/** Every family name, in {@link DEFAULT_FAMILY_WEIGHTS}'s order. */
export const SYNTHETIC_FAMILIES = Object.keys(DEFAULT_FAMILY_WEIGHTS) as SyntheticFamily[];

/**
 * The mixture `kairos-base-tiny` was trained on (before the richer families): half KernelSynth,
 * random walks, trends with shifts, multiplicative seasonality. Passing it as `families`
 * reproduces that data stream draw for draw.
 */
export const KAIROS_TINY_FAMILY_WEIGHTS: Readonly<Partial<Record<SyntheticFamily, number>>> = {
  kernelSynth: 0.5,
  randomWalk: 0.15,
  trendShifts: 0.15,
  seasonal: 0.2,
};

/** The default frequency mix of calendar series: hourly and daily most, then the rest. */
export const DEFAULT_FREQUENCY_WEIGHTS: Readonly<Record<CalendarFrequency, number>> = {
  h: 0.25,
  D: 0.25,
  B: 0.1,
  W: 0.15,
  M: 0.15,
  Q: 0.1,
};

/** What a draw needs beyond the family: the weights to pick frequencies and mixup parts by. */
export interface FamilyMix {
  families: Partial<Record<SyntheticFamily, number>>;
  frequencies: Partial<Record<CalendarFrequency, number>>;
}

/** A drawn series and whether it is non-negative by construction. */
export interface FamilyDraw {
  series: Float64Array;
  nonNegative: boolean;
}

/**
 * One series of `family`, `length` steps. A mixup mixes 2–3 series of distinct other families
 * drawn by the mix's weights (one when only one other family has weight).
 *
 * @example
 * drawFamily(new Random(1), "calendar", 256, { families: DEFAULT_FAMILY_WEIGHTS, frequencies: DEFAULT_FREQUENCY_WEIGHTS });
 */
export function drawFamily(
  rng: Random,
  family: SyntheticFamily,
  length: number,
  mix: FamilyMix,
): FamilyDraw {
  const plain = (series: Float64Array) => ({ series, nonNegative: NON_NEGATIVE.has(family) });
  switch (family) {
    case "kernelSynth":
      return plain(sampleGaussianProcess(rng, composeKernel(rng, length), length));
    case "calendar": {
      const frequency = weightedChoice(rng, mix.frequencies) ?? "D";
      return plain(calendarSeasonal(rng, length, { frequency }));
    }
    case "price":
      return plain(pricePath(rng, length));
    case "changepoints":
      return plain(changepointTrend(rng, length));
    case "intermittent":
      return plain(intermittent(rng, length));
    case "levelShifts":
      return plain(levelShifts(rng, length));
    case "spikes":
      return plain(spikes(rng, length));
    case "randomWalk":
      return plain(randomWalk(rng, length));
    case "trendShifts":
      return plain(trendWithShifts(rng, length));
    case "seasonal":
      return plain(multiplicativeSeasonal(rng, length));
    case "mixup": {
      const used = new Set<SyntheticFamily>(["mixup"]);
      const parts: FamilyDraw[] = [];
      for (let k = 2 + rng.int(2); k > 0; k--) {
        const f = weightedChoice(rng, mix.families, used);
        if (f === undefined) break;
        used.add(f);
        parts.push(drawFamily(rng, f, length, mix));
      }
      if (parts.length === 0) return plain(randomWalk(rng, length));
      return {
        series: tsMixup(
          rng,
          parts.map((p) => p.series),
        ),
        nonNegative: parts.every((p) => p.nonNegative),
      };
    }
  }
}
