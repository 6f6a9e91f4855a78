// The SwiGLU gate of Llama's MLP (Shazeer 2020): m = silu(gate) ⊙ up, silu(g) = g·σ(g).
// Legend: L elements.
import type { Floats } from "./floats.js";

/** out[L] = silu(gate[L]) ⊙ up[L]. */
export function swigluForward(out: Floats, gate: Floats, up: Floats, L: number): void {
  for (let i = 0; i < L; i++) {
    const g = gate[i];
    out[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
}

/** Backward of {@link swigluForward}: writes dgate and dup (overwrite) from dout. */
export function swigluBackward(
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

/** A gated activation m = act(gate) ⊙ up with its backward (SwiGLU, T5's gated GELU). */
export interface GatedActivation {
  forward(out: Floats, gate: Floats, up: Floats, L: number): void;
  backward(dgate: Floats, dup: Floats, dout: Floats, gate: Floats, up: Floats, L: number): void;
}

/** Llama's gate. */
export const SWIGLU: GatedActivation = { forward: swigluForward, backward: swigluBackward };
