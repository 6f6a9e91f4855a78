// T5's multi-head attention core (`T5Attention.forward` after the projections): scores q·kᵀ with
// NO 1/√D scaling (T5 folds it into the initialisation), plus an additive position bias (the
// relative-position bias in self-attention; none in cross-attention), keys hidden by a padding
// mask and, in the decoder's self-attention, by causality; softmax; weighted sum of values. One
// fused op of the Backend (`attentionForward`/`attentionBackward`), or lora's naive kernel where
// a backend has none. Forward keeps each row's log-sum-exp only; backward recomputes the
// probabilities (as the Llama kernel does), and also returns the bias gradient when asked (the
// bias is a parameter when the model is trainable).
// HF adds `finfo.min` to masked scores rather than −∞: a row whose keys are all masked attends
// uniformly to every key, which the op follows (such a row passes no gradient to q, k or the bias).
// Legend: B sequences, Tq query / Tk key positions, H heads, D head size; kv rows per sequence
// Tkv ≥ Tk (a decoding cache's capacity; Tk otherwise).
import { type AttentionStep, naiveAttentionBackward, naiveAttentionForward } from "@kairos/lora";
import type { MatmulBackend } from "../matmul.js";

/** Sizes and masking of one call. */
export interface T5AttentionDims {
  B: number;
  Tq: number;
  Tk: number;
  H: number;
  D: number;
  /** Rows per sequence in k and v (default Tk): the first Tk of them are attended. */
  Tkv?: number;
  /** Query i reads keys j ≤ i only (Tq = Tk). */
  causal: boolean;
  /** 1 = real key, `[B·Tk]`; null: all real. */
  keyMask: Uint8Array | null;
}

/** The backend op's step: one key/value head a query head, no scaling, padded keys hidden. */
function step(
  dims: T5AttentionDims,
  tensors: Pick<AttentionStep, "q" | "k" | "v" | "lse" | "bias">,
): AttentionStep {
  const { B, Tq, Tk, Tkv, H, D, causal, keyMask } = dims;
  return { B, Tq, Tk, Tkv: Tkv ?? Tk, H, KV: H, D, causal, scale: 1, keyMask, ...tensors };
}

/**
 * out[B·Tq, H·D] = softmax(q kᵀ + bias + mask) v per head, for q `[B·Tq, H·D]`, k and v
 * `[B·Tkv, H·D]`, bias `[H, Tq, Tk]` or null; writes each row's log-sum-exp into lse[B, H, Tq].
 */
export async function t5AttentionForward(
  out: Float32Array,
  lse: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bias: Float32Array | null,
  dims: T5AttentionDims,
  backend: MatmulBackend,
): Promise<void> {
  const s = step(dims, { q, k, v, lse, bias });
  if (backend.attentionForward) await backend.attentionForward(s, out);
  else naiveAttentionForward(s, out);
}

/**
 * Backward of {@link t5AttentionForward}: dq, dk, dv (+=) from dout and, when given,
 * dBias[H, Tq, Tk] (+=, summed over sequences). dS = P ⊙ (dP − rowsum(dP ⊙ P)), dP = dout vᵀ.
 */
export async function t5AttentionBackward(
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dBias: Float32Array | null,
  dout: Float32Array,
  lse: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bias: Float32Array | null,
  dims: T5AttentionDims,
  backend: MatmulBackend,
): Promise<void> {
  const s = step(dims, { q, k, v, lse, bias });
  if (backend.attentionBackward) await backend.attentionBackward(s, dout, dq, dk, dv, dBias);
  else naiveAttentionBackward(s, dout, dq, dk, dv, dBias);
}
