// Intermittent demand: mostly zeros, with a demand of random size at random steps, the series
// Croston's method models (Croston 1972; Syntetos & Boylan 2005): occurrence Bernoulli(1 − z),
// so the gaps between demands are geometric, and sizes ≥ 1 (counts, or gamma for volumes).
import type { Random } from "@kairos/lora";
import { gamma, poisson } from "./distributions.js";

/** Options of {@link intermittent}. */
export interface IntermittentOptions {
  /** Expected fraction of zero steps (default 0.3–0.95 at random). */
  zeroFraction?: number;
}

/**
 * Non-negative sparse demand: each step is 0 with probability `zeroFraction`, otherwise a size,
 * 1 + Poisson(λ) (λ 0–10) for two series in three, gamma-distributed above 1 for the rest.
 *
 * @example
 * intermittent(new Random(1), 365, { zeroFraction: 0.8 }); // ≈ 292 zeros
 */
export function intermittent(
  rng: Random,
  length: number,
  options: IntermittentOptions = {},
): Float64Array {
  const zero = options.zeroFraction ?? 0.3 + rng.uniform() * 0.65;
  if (!(zero >= 0 && zero < 1))
    throw new RangeError(`intermittent(): zeroFraction must be in [0, 1), got ${zero}`);
  const counts = rng.uniform() < 2 / 3;
  const lambda = rng.uniform() * 10;
  const shape = 0.5 + rng.uniform() * 3;
  const size = 1 + rng.uniform() * 20;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    if (rng.uniform() < zero) continue;
    out[i] = counts ? 1 + poisson(rng, lambda) : 1 + (size * gamma(rng, shape)) / shape;
  }
  return out;
}
