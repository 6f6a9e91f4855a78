// Scaled dot-product causal attention with grouped-query heads, as Llama's `eager_attention_forward`
// (query head h reads key/value head ⌊h / (H / KV)⌋, `repeat_kv`; scores scaled by 1/√D; causal
// mask plus an optional key mask; softmax; weighted sum of values), as one fused op of the
// Backend (`attentionForward`/`attentionBackward`: SIMD across the workers on wasm), or lora's
// naive kernel where a backend has none. Forward keeps only each row's log-sum-exp, not the
// [B, H, T, T] probabilities: backward recomputes them (FlashAttention's trade; Megatron's
// "selective recomputation"). The probabilities were most of a block's saved bytes.
// The scalar version in test/helpers/reference-attention.ts is what this is checked against.
// Legend: B sequences, T positions, H query heads, KV key/value heads, D head size.
import { type AttentionStep, naiveAttentionBackward, naiveAttentionForward } from "@kairos/lora";
import type { MatmulBackend } from "./matmul.js";

/** Sizes of one attention call. */
export interface AttentionDims {
  B: number;
  T: number;
  H: number;
  KV: number;
  D: number;
}

/** The backend op's step: causal, scaled by 1/√D, a padded key still visible to its own query. */
function step(
  dims: AttentionDims,
  tensors: Pick<AttentionStep, "q" | "k" | "v" | "lse" | "keyMask">,
): AttentionStep {
  const { B, T, H, KV, D } = dims;
  const shape = { B, Tq: T, Tk: T, H, KV, D, causal: true, scale: 1 / Math.sqrt(D) };
  return { ...shape, keepSelf: true, bias: null, ...tensors };
}

/**
 * out[B·T, H·D] = softmax(q kᵀ/√D + mask) v per head; writes each row's log-sum-exp of the scaled
 * scores into lse[B, H, T]. `keyMask[B·T]` (1 = attend) hides padded keys; a padded query still
 * attends to itself, so a row whose keys are all hidden stays finite.
 */
export async function attentionForward(
  out: Float32Array,
  lse: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  dims: AttentionDims,
  keyMask: Uint8Array | null,
  backend: MatmulBackend,
): Promise<void> {
  const s = step(dims, { q, k, v, lse, keyMask });
  if (backend.attentionForward) await backend.attentionForward(s, out);
  else naiveAttentionForward(s, out);
}

/**
 * Backward of {@link attentionForward}: accumulates dq, dk, dv (+=) from dout, recomputing the
 * probabilities P = exp(S − lse). dS = P ⊙ (dP − rowsum(dP ⊙ P)) with dP = dout vᵀ.
 */
export async function attentionBackward(
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dout: Float32Array,
  lse: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  dims: AttentionDims,
  keyMask: Uint8Array | null,
  backend: MatmulBackend,
): Promise<void> {
  const s = step(dims, { q, k, v, lse, keyMask });
  if (backend.attentionBackward) await backend.attentionBackward(s, dout, dq, dk, dv, null);
  else naiveAttentionBackward(s, dout, dq, dk, dv, null);
}
