// The SwiGLU gate of Llama's MLP (Shazeer 2020): m = silu(gate) ⊙ up, silu(g) = g·σ(g). The
// naive kernels (exp in float64) are the reference for Backend.swigluForward/swigluBackward and
// run on float64 too, for the finite-difference checks.
// Legend: L elements.

import { checkVector } from "./matmul-shape";
import type { Floats } from "./rms-norm";

/** out[L] = silu(gate[L]) ⊙ up[L]. */
export function naiveSwigluForward(out: Floats, gate: Floats, up: Floats, L: number): void {
  for (let i = 0; i < L; i++) {
    const g = gate[i];
    out[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
}

/**
 * Backward of {@link naiveSwigluForward}: writes (overwrites) dgate[L] = dout·up·σ(g)(1 + g(1 − σ(g)))
 * and dup[L] = dout·silu(g).
 */
export function naiveSwigluBackward(
  dgate: Floats,
  dup: Floats,
  dout: Floats,
  gate: Floats,
  up: Floats,
  L: number,
): void {
  for (let i = 0; i < L; i++) {
    const g = gate[i];
    const s = 1 / (1 + Math.exp(-g));
    const silu = g * s;
    dup[i] = dout[i] * silu;
    dgate[i] = dout[i] * up[i] * (s * (1 + g * (1 - s)));
  }
}

/** Throws a RangeError naming the first operand of a SwiGLU call shorter than `length`. */
export function checkSwiglu(
  fn: string,
  length: number,
  operands: Record<string, Float32Array>,
): void {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`${fn}: length must be a non-negative integer, got ${length}`);
  }
  for (const [name, array] of Object.entries(operands)) checkVector(fn, name, array, length);
}
