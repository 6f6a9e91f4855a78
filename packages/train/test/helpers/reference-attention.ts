// The scalar reference of src/model/causal-attention.ts (checked by finite differences in float64).
// Scaled dot-product causal attention with grouped-query heads, as Llama's `eager_attention_forward`:
// query head h reads key/value head ⌊h / (H / KV)⌋ (`repeat_kv`), scores scaled by 1/√D, a causal
// mask plus an optional key mask, softmax, weighted sum of values.
// Forward keeps only each row's log-sum-exp, not the [B, H, T, T] probabilities: backward recomputes
// a row's probabilities from q·k and it (FlashAttention's trade; Megatron's "selective
// recomputation"). The probabilities were most of a block's saved bytes (T floats per head and
// token) and recomputing them costs one more q·k pass, a fraction of the step.
// Legend: B sequences, T positions, H query heads, KV key/value heads, D head size.

import type { AttentionDims } from "../../src/model/causal-attention.js";
import type { Floats } from "../../src/model/floats.js";

/**
 * Writes a row's scaled scores q_i·k_j/√D into row[0..i] (−∞ for masked keys) and returns their
 * maximum. A row whose keys are all hidden keeps its own key, so it stays finite.
 */
function scoreRow(
  row: Float64Array,
  q: Floats,
  k: Floats,
  qo: number,
  b: number,
  i: number,
  g: number,
  dims: AttentionDims,
  keyMask: Uint8Array | null,
): number {
  const { T, KV, D } = dims;
  const scale = 1 / Math.sqrt(D);
  const ks = KV * D;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j <= i; j++) {
    if (keyMask && keyMask[b * T + j] === 0 && j !== i) {
      row[j] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const ko = (b * T + j) * ks + g * D;
    let s = 0;
    for (let d = 0; d < D; d++) s += q[qo + d] * k[ko + d];
    s *= scale;
    row[j] = s;
    if (s > max) max = s;
  }
  return max;
}

/**
 * out[B·T, H·D] = softmax(q kᵀ/√D + mask) v per head; writes each row's log-sum-exp of the scaled
 * scores into lse[B, H, T]. `keyMask[B·T]` (1 = attend) hides padded keys. `row` is scratch of at
 * least T entries.
 */
export function attentionForward(
  out: Floats,
  lse: Floats,
  q: Floats,
  k: Floats,
  v: Floats,
  dims: AttentionDims,
  keyMask: Uint8Array | null,
  row: Float64Array = new Float64Array(dims.T),
): void {
  const { B, T, H, KV, D } = dims;
  const rep = H / KV;
  const qs = H * D;
  const ks = KV * D;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / rep);
      for (let i = 0; i < T; i++) {
        const qo = (b * T + i) * qs + h * D;
        const max = scoreRow(row, q, k, qo, b, i, g, dims, keyMask);
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const e = Math.exp(row[j] - max);
          row[j] = e;
          sum += e;
        }
        lse[(b * H + h) * T + i] = max + Math.log(sum);
        for (let d = 0; d < D; d++) out[qo + d] = 0;
        const inv = 1 / sum;
        for (let j = 0; j <= i; j++) {
          const p = row[j] * inv;
          if (p === 0) continue;
          const vo = (b * T + j) * ks + g * D;
          for (let d = 0; d < D; d++) out[qo + d] += p * v[vo + d];
        }
      }
    }
  }
}

/**
 * Backward of {@link attentionForward}: accumulates dq, dk, dv (+=) from dout, recomputing each
 * row's probabilities P = exp(S − lse). dS = P ⊙ (dP − rowsum(dP ⊙ P)) with dP = dout vᵀ. `row`
 * and `dRow` are scratch of at least T entries.
 */
export function attentionBackward(
  dq: Floats,
  dk: Floats,
  dv: Floats,
  dout: Floats,
  lse: Floats,
  q: Floats,
  k: Floats,
  v: Floats,
  dims: AttentionDims,
  keyMask: Uint8Array | null,
  row: Float64Array = new Float64Array(dims.T),
  dRow: Float64Array = new Float64Array(dims.T),
): void {
  const { B, T, H, KV, D } = dims;
  const rep = H / KV;
  const scale = 1 / Math.sqrt(D);
  const qs = H * D;
  const ks = KV * D;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / rep);
      for (let i = 0; i < T; i++) {
        const oo = (b * T + i) * qs + h * D;
        scoreRow(row, q, k, oo, b, i, g, dims, keyMask);
        const l = lse[(b * H + h) * T + i];
        let rowDot = 0;
        for (let j = 0; j <= i; j++) {
          const p = Math.exp(row[j] - l);
          row[j] = p;
          if (p === 0) {
            dRow[j] = 0;
            continue;
          }
          const vo = (b * T + j) * ks + g * D;
          let dp = 0;
          for (let d = 0; d < D; d++) {
            dp += dout[oo + d] * v[vo + d];
            dv[vo + d] += p * dout[oo + d];
          }
          dRow[j] = dp;
          rowDot += dp * p;
        }
        for (let j = 0; j <= i; j++) {
          const p = row[j];
          if (p === 0) continue;
          const ds = p * (dRow[j] - rowDot) * scale;
          const ko = (b * T + j) * ks + g * D;
          for (let d = 0; d < D; d++) {
            dq[oo + d] += ds * k[ko + d];
            dk[ko + d] += ds * q[oo + d];
          }
        }
      }
    }
  }
}
