// Gaussian random walks with a small drift: the simplest non-stationary series, and the naive
// forecast's home ground.
import type { Random } from "@kairos/lora";

/**
 * A random walk of `length` steps from 0, unit steps plus a drift of N(0, 0.05²) a step.
 *
 * @example
 * randomWalk(new Random(1), 128); // Float64Array(128), x[0] = 0
 */
export function randomWalk(rng: Random, length: number): Float64Array {
  const out = new Float64Array(length);
  const drift = rng.normal() * 0.05;
  for (let i = 1; i < length; i++) out[i] = out[i - 1] + drift + rng.normal();
  return out;
}
