// Level shifts: a stationary series that jumps to a new mean at random steps and stays there
// (structural breaks, a price change, a new sensor). The forecast should follow the last level.
import type { Random } from "@kairos/lora";
import { ar1Noise } from "./ar1-noise.js";

/** Options of {@link levelShifts}. */
export interface LevelShiftsOptions {
  /** Number of shifts (default 1–4 at random). */
  shifts?: number;
  /** Standard deviation of the AR(1) noise around the levels (default 0.1–0.5 at random). */
  noise?: number;
}

/**
 * Piecewise-constant levels with `shifts` jumps of ±(1–4) at random steps, plus AR(1) noise.
 *
 * @example
 * levelShifts(new Random(1), 256, { shifts: 2, noise: 0 }); // three flat segments
 */
export function levelShifts(
  rng: Random,
  length: number,
  options: LevelShiftsOptions = {},
): Float64Array {
  const n = length;
  const k = options.shifts ?? 1 + rng.int(4);
  if (!Number.isInteger(k) || k < 0)
    throw new RangeError(`levelShifts(): shifts must be a non-negative integer, got ${k}`);
  const at = new Set<number>();
  while (at.size < Math.min(k, n - 1)) at.add(1 + rng.int(n - 1));
  const out = new Float64Array(n);
  let level = 0;
  for (let i = 0; i < n; i++) {
    if (at.has(i)) level += (rng.uniform() < 0.5 ? -1 : 1) * (1 + 3 * rng.uniform());
    out[i] = level;
  }
  const noise = options.noise ?? 0.1 + rng.uniform() * 0.4;
  if (noise > 0) {
    const e = ar1Noise(rng, n, rng.uniform() * 0.9, noise);
    for (let i = 0; i < n; i++) out[i] += e[i];
  }
  return out;
}
