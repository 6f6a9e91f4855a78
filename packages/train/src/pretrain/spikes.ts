// Spikes and outliers: isolated values far from an otherwise ordinary AR(1) series (a glitch, a
// promotion day, a data-entry error). The forecast should not chase them.
import type { Random } from "@kairos/lora";
import { ar1Noise } from "./ar1-noise.js";

/** Options of {@link spikes}. */
export interface SpikesOptions {
  /** Probability that a step is a spike (default 0.5–3% at random). */
  rate?: number;
}

/**
 * A unit-variance AR(1) series (φ 0–0.9) with spikes of 5–10 standard deviations at `rate` of
 * the steps; half the series spike upward only, the rest either way.
 *
 * @example
 * spikes(new Random(1), 512, { rate: 0.02 }); // about 10 outliers
 */
export function spikes(rng: Random, length: number, options: SpikesOptions = {}): Float64Array {
  const rate = options.rate ?? 0.005 + rng.uniform() * 0.025;
  if (!(rate >= 0 && rate <= 1))
    throw new RangeError(`spikes(): rate must be in [0, 1], got ${rate}`);
  const out = ar1Noise(rng, length, rng.uniform() * 0.9, 1);
  const upOnly = rng.uniform() < 0.5;
  for (let i = 0; i < length; i++) {
    if (rng.uniform() >= rate) continue;
    const sign = upOnly || rng.uniform() < 0.5 ? 1 : -1;
    out[i] += sign * (5 + 5 * rng.uniform());
  }
  return out;
}
