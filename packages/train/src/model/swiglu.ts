// The SwiGLU gate of Llama's MLP (Shazeer 2020): m = silu(gate) ⊙ up, silu(g) = g·σ(g). Training
// runs it on the backend's fused op (`swigluForward`/`swigluBackward`: SIMD across the workers
// on wasm) through `swigluOn(backend)`, or lora's naive kernels for a backend without it; the
// naive kernels, exported here by their old names, stay for float64 gradient checks.
// Legend: L elements.
import { naiveSwigluBackward, naiveSwigluForward } from "@kairos/lora";
import type { Floats } from "./floats.js";
import type { MatmulBackend } from "./matmul.js";

export { naiveSwigluBackward as swigluBackward, naiveSwigluForward as swigluForward };

/**
 * A gated activation m = act(gate) ⊙ up with its backward (SwiGLU, T5's gated GELU); the backward
 * overwrites dgate and dup.
 */
export interface GatedActivation {
  forward(out: Floats, gate: Floats, up: Floats, L: number): void | Promise<void>;
  backward(
    dgate: Floats,
    dup: Floats,
    dout: Floats,
    gate: Floats,
    up: Floats,
    L: number,
  ): void | Promise<void>;
}

/** Llama's gate in plain JS (lora's naive kernels). */
export const SWIGLU: GatedActivation = {
  forward: naiveSwigluForward,
  backward: naiveSwigluBackward,
};

/**
 * Llama's gate on `backend`'s fused op where it has one (float32 buffers), else {@link SWIGLU}.
 *
 * @example
 * await mlpForward(n, projections, options, scratch, save, true, swigluOn(backend));
 */
export function swigluOn(backend: MatmulBackend): GatedActivation {
  if (!backend.swigluForward || !backend.swigluBackward) return SWIGLU;
  // Training's buffers are float32: only the float64 gradient checks use SWIGLU's wider arrays.
  const f32 = (a: Floats) => a as Float32Array;
  return {
    forward: (out, gate, up, L) => backend.swigluForward?.(f32(out), f32(gate), f32(up), L),
    backward: (dgate, dup, dout, gate, up, L) =>
      backend.swigluBackward?.(f32(dgate), f32(dup), f32(dout), f32(gate), f32(up), L),
  };
}
