// Inverted dropout with a replayable mask: the mask is never stored, it is a pure function of
// (seed, element index), so a recomputed forward or the backward pass regenerates it exactly.
import { Random } from "./random";

/**
 * out[i] = x[i] / (1 − p) where the i-th draw of `Random(seed)` is ≥ p, else 0 (PyTorch
 * `nn.Dropout` in training). `out` may alias `x`. Applying it with the same seed to a gradient
 * gives the dropout backward: the same mask, the same scale.
 *
 * @example
 * const xd = dropout(x, 0.1, seed, new Float32Array(x.length));
 */
export function dropout(x: Float32Array, p: number, seed: number, out: Float32Array): Float32Array {
  const rng = new Random(seed);
  const keepScale = 1 / (1 - p);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform() < p ? 0 : x[i] * keepScale;
  return out;
}
