// T5's activations: `gelu_new` (the tanh approximation of GELU, Hendrycks & Gimpel 2016, as
// transformers' `NewGELUActivation`), its gated form for `T5DenseGatedActDense`
// (m = gelu_new(wi_0 x) ⊙ wi_1 x), and relu for `T5DenseActDense`.
// Legend: L elements.
import type { Floats } from "../floats.js";
import type { GatedActivation } from "../swiglu.js";

const K = Math.sqrt(2 / Math.PI);

/** gelu_new(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluNew(x: number): number {
  return 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x * x * x)));
}

/** d gelu_new / dx. */
export function geluNewGrad(x: number): number {
  const t = Math.tanh(K * (x + 0.044715 * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * 0.044715 * x * x);
}

/** The gated GELU of T5 v1.1 / Flan-T5 (`feed_forward_proj: "gated-gelu"`). */
export const GATED_GELU: GatedActivation = {
  forward(out: Floats, gate: Floats, up: Floats, L: number): void {
    for (let i = 0; i < L; i++) out[i] = geluNew(gate[i]) * up[i];
  },
  backward(dgate: Floats, dup: Floats, dout: Floats, gate: Floats, up: Floats, L: number): void {
    for (let i = 0; i < L; i++) {
      dup[i] = dout[i] * geluNew(gate[i]);
      dgate[i] = dout[i] * up[i] * geluNewGrad(gate[i]);
    }
  },
};

/** The gated relu (`feed_forward_proj: "gated-relu"`). */
export const GATED_RELU: GatedActivation = {
  forward(out: Floats, gate: Floats, up: Floats, L: number): void {
    for (let i = 0; i < L; i++) out[i] = gate[i] > 0 ? gate[i] * up[i] : 0;
  },
  backward(dgate: Floats, dup: Floats, dout: Floats, gate: Floats, up: Floats, L: number): void {
    for (let i = 0; i < L; i++) {
      const on = gate[i] > 0;
      dup[i] = on ? dout[i] * gate[i] : 0;
      dgate[i] = on ? dout[i] * up[i] : 0;
    }
  },
};
