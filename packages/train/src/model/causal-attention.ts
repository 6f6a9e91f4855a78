// Scaled dot-product causal attention with grouped-query heads, as Llama's `eager_attention_forward`:
// query head h reads key/value head ⌊h / (H / KV)⌋ (`repeat_kv`), scores scaled by 1/√D, a causal
// mask plus an optional key mask, softmax, weighted sum of values. Forward keeps the probabilities.
// Legend: B sequences, T positions, H query heads, KV key/value heads, D head size.
import type { Floats } from "./floats.js";

/** Sizes of one attention call. */
export interface AttentionDims {
  B: number;
  T: number;
  H: number;
  KV: number;
  D: number;
}

/**
 * out[B·T, H·D] = softmax(q kᵀ/√D + mask) v per head; writes probabilities into probs[B, H, T, T]
 * (zero above the diagonal). `keyMask[B·T]` (1 = attend) hides padded keys; a row whose keys are all
 * hidden attends to itself only, so it stays finite.
 */
export function attentionForward(
  out: Floats,
  probs: Floats,
  q: Floats,
  k: Floats,
  v: Floats,
  dims: AttentionDims,
  keyMask: Uint8Array | null,
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
        const qo = (b * T + i) * qs + h * D;
        const po = ((b * H + h) * T + i) * T;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j <= i; j++) {
          if (keyMask && keyMask[b * T + j] === 0 && j !== i) {
            probs[po + j] = Number.NEGATIVE_INFINITY;
            continue;
          }
          const ko = (b * T + j) * ks + g * D;
          let s = 0;
          for (let d = 0; d < D; d++) s += q[qo + d] * k[ko + d];
          s *= scale;
          probs[po + j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const e = Math.exp(probs[po + j] - max);
          probs[po + j] = e;
          sum += e;
        }
        const oo = (b * T + i) * qs + h * D;
        for (let d = 0; d < D; d++) out[oo + d] = 0;
        for (let j = 0; j <= i; j++) {
          const p = probs[po + j] / sum;
          probs[po + j] = p;
          if (p === 0) continue;
          const vo = (b * T + j) * ks + g * D;
          for (let d = 0; d < D; d++) out[oo + d] += p * v[vo + d];
        }
        for (let j = i + 1; j < T; j++) probs[po + j] = 0;
      }
    }
  }
}

/**
 * Backward of {@link attentionForward}: accumulates dq, dk, dv (+=) from dout and the saved
 * probabilities. dS = P ⊙ (dP − rowsum(dP ⊙ P)) with dP = dout vᵀ.
 */
export function attentionBackward(
  dq: Floats,
  dk: Floats,
  dv: Floats,
  dout: Floats,
  probs: Floats,
  q: Floats,
  k: Floats,
  v: Floats,
  dims: AttentionDims,
  scratch: Float64Array,
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
        const po = ((b * H + h) * T + i) * T;
        let rowDot = 0;
        for (let j = 0; j <= i; j++) {
          const p = probs[po + j];
          if (p === 0) {
            scratch[j] = 0;
            continue;
          }
          const vo = (b * T + j) * ks + g * D;
          let dp = 0;
          for (let d = 0; d < D; d++) {
            dp += dout[oo + d] * v[vo + d];
            dv[vo + d] += p * dout[oo + d];
          }
          scratch[j] = dp;
          rowDot += dp * p;
        }
        for (let j = 0; j <= i; j++) {
          const p = probs[po + j];
          if (p === 0) continue;
          const ds = p * (scratch[j] - rowDot) * scale;
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
