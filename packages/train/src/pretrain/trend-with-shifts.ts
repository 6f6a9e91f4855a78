// Quadratic trends with up to three level shifts and white noise: the trend family
// kairos-base-tiny was trained on (kept draw for draw, so that mix still reproduces).
import type { Random } from "@kairos/lora";

/**
 * A slope and curvature of random sign, 0–3 level shifts of N(0, 1) at random steps, and white
 * noise of standard deviation 0.02–0.22.
 *
 * @example
 * trendWithShifts(new Random(1), 128); // Float64Array(128)
 */
export function trendWithShifts(rng: Random, length: number): Float64Array {
  const n = length;
  const out = new Float64Array(n);
  const slope = rng.normal() * (2 / n);
  const curve = rng.normal() * (1 / (n * n));
  const shifts = rng.int(4);
  const at = Array.from({ length: shifts }, () => rng.int(n));
  const size = Array.from({ length: shifts }, () => rng.normal());
  const noise = 0.02 + rng.uniform() * 0.2;
  for (let i = 0; i < n; i++) {
    let level = 0;
    for (let s = 0; s < shifts; s++) if (i >= at[s]) level += size[s];
    out[i] = slope * i + curve * i * i + level + noise * rng.normal();
  }
  return out;
}
