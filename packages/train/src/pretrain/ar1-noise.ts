// Stationary AR(1) noise, the residual most generators add: x_t = φ x_{t−1} + ε_t, started from
// its stationary distribution so the first steps look like the rest.
import type { Random } from "@kairos/lora";

/**
 * `length` steps of AR(1) noise with coefficient `phi` (|phi| < 1) and marginal standard
 * deviation `sigma`.
 *
 * @example
 * ar1Noise(new Random(1), 256, 0.7, 0.1); // Float64Array(256), std ≈ 0.1
 */
export function ar1Noise(rng: Random, length: number, phi: number, sigma: number): Float64Array {
  if (!(Math.abs(phi) < 1)) throw new RangeError(`ar1Noise(): phi must be in (-1, 1), got ${phi}`);
  const out = new Float64Array(length);
  const innovation = sigma * Math.sqrt(1 - phi * phi);
  let x = sigma * rng.normal();
  for (let i = 0; i < length; i++) {
    out[i] = x;
    x = phi * x + innovation * rng.normal();
  }
  return out;
}
