// T5's multi-head attention core (`T5Attention.forward` after the projections): scores q·kᵀ with
// NO 1/√D scaling (T5 folds it into the initialisation), plus an additive position bias (the
// relative-position bias in self-attention; none in cross-attention), keys hidden by a padding
// mask and, in the decoder's self-attention, by causality; softmax; weighted sum of values.
// Per (sequence, head) the products are two matmuls on the Backend. Forward keeps each row's
// log-sum-exp only; backward recomputes the probabilities (as the Llama kernel does), and also
// returns the bias gradient when asked (the bias is a parameter when the model is trainable).
// HF adds `finfo.min` to masked scores rather than −∞: a row whose keys are all masked attends
// uniformly to every key, which this follows (such a row passes no gradient to q, k or the bias).
// Legend: B sequences, Tq query / Tk key positions, H heads, D head size; kv rows per sequence
// Tkv ≥ Tk (a decoding cache's capacity; Tk otherwise).
import type { MatmulBackend } from "../matmul.js";
import type { Scratch } from "../scratch.js";

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

/** Copies head h of sequence b between `[B·rows, H·D]` and a `[T, D]` block (or adds it back). */
function moveHead(
  block: Float32Array,
  flat: Float32Array,
  b: number,
  h: number,
  T: number,
  rows: number,
  H: number,
  D: number,
  add = false,
): void {
  for (let i = 0; i < T; i++) {
    const f = (b * rows + i) * H * D + h * D;
    if (!add) block.set(flat.subarray(f, f + D), i * D);
    else for (let d = 0; d < D; d++) flat[f + d] += block[i * D + d];
  }
}

/** The keys row i of sequence b may read: `visible(j)`, and whether any is real. */
function rowMask(dims: T5AttentionDims, b: number, i: number) {
  const { Tk, causal, keyMask } = dims;
  const last = causal ? i : Tk - 1;
  let any = false;
  for (let j = 0; j <= last && !any; j++) any = keyMask?.[b * Tk + j] !== 0;
  // No real key: HF's finfo.min makes every key equal, so the row is uniform over all Tk keys.
  const visible = (j: number) => (any ? j <= last && keyMask?.[b * Tk + j] !== 0 : true);
  return { visible, any };
}

function buffers(scratch: Scratch, dims: T5AttentionDims) {
  const { Tq, Tk, D } = dims;
  return {
    q: scratch.get("t5.attention.q", Tq * D),
    k: scratch.get("t5.attention.k", Tk * D),
    v: scratch.get("t5.attention.v", Tk * D),
    s: scratch.get("t5.attention.s", Tq * Tk),
  };
}

/** S = q kᵀ + bias for (b, h) into g.s. */
async function scores(
  g: ReturnType<typeof buffers>,
  q: Float32Array,
  k: Float32Array,
  bias: Float32Array | null,
  dims: T5AttentionDims,
  b: number,
  h: number,
  backend: MatmulBackend,
) {
  const { Tq, Tk, H, D } = dims;
  moveHead(g.q, q, b, h, Tq, Tq, H, D);
  moveHead(g.k, k, b, h, Tk, dims.Tkv ?? Tk, H, D);
  await backend.matmul(g.q, g.k, g.s, { m: Tq, n: Tk, k: D, transposeB: true });
  if (bias) {
    const o = h * Tq * Tk;
    for (let p = 0; p < Tq * Tk; p++) g.s[p] += bias[o + p];
  }
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
  scratch: Scratch,
): Promise<void> {
  const { B, Tq, Tk, H, D } = dims;
  const g = buffers(scratch, dims);
  const o = scratch.get("t5.attention.o", Tq * D);
  out.fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      await scores(g, q, k, bias, dims, b, h, backend);
      moveHead(g.v, v, b, h, Tk, dims.Tkv ?? Tk, H, D);
      for (let i = 0; i < Tq; i++) {
        const { visible, any } = rowMask(dims, b, i);
        const s = g.s.subarray(i * Tk, i * Tk + Tk);
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < Tk; j++) if (visible(j) && (any ? s[j] : 0) > max) max = any ? s[j] : 0;
        let sum = 0;
        for (let j = 0; j < Tk; j++) {
          const e = visible(j) ? Math.exp((any ? s[j] : 0) - max) : 0;
          s[j] = e;
          sum += e;
        }
        for (let j = 0; j < Tk; j++) s[j] /= sum;
        lse[(b * H + h) * Tq + i] = max + Math.log(sum);
      }
      await backend.matmul(g.s, g.v, o, { m: Tq, n: D, k: Tk });
      moveHead(o, out, b, h, Tq, Tq, H, D, true);
    }
  }
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
  scratch: Scratch,
): Promise<void> {
  const { B, Tq, Tk, H, D } = dims;
  const g = buffers(scratch, dims);
  const dO = scratch.get("t5.attention.dO", Tq * D);
  const dP = scratch.get("t5.attention.dP", Tq * Tk);
  const dQ = scratch.get("t5.attention.dQ", Tq * D);
  const dK = scratch.get("t5.attention.dK", Tk * D);
  const dV = scratch.get("t5.attention.dV", Tk * D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      await scores(g, q, k, bias, dims, b, h, backend);
      moveHead(g.v, v, b, h, Tk, Tk, H, D);
      moveHead(dO, dout, b, h, Tq, Tq, H, D);
      await backend.matmul(dO, g.v, dP, { m: Tq, n: Tk, k: D, transposeB: true });
      for (let i = 0; i < Tq; i++) {
        const { visible, any } = rowMask(dims, b, i);
        const s = g.s.subarray(i * Tk, i * Tk + Tk);
        const d = dP.subarray(i * Tk, i * Tk + Tk);
        const l = lse[(b * H + h) * Tq + i];
        let rowDot = 0;
        for (let j = 0; j < Tk; j++) {
          s[j] = visible(j) ? Math.exp((any ? s[j] : 0) - l) : 0;
          rowDot += s[j] * d[j];
        }
        // dS overwrites dP (zero where the score had no effect); P stays in s for dV.
        for (let j = 0; j < Tk; j++) d[j] = any ? s[j] * (d[j] - rowDot) : 0;
      }
      if (dBias) {
        const o = h * Tq * Tk;
        for (let p = 0; p < Tq * Tk; p++) dBias[o + p] += dP[p];
      }
      await backend.matmul(g.s, dO, dV, { m: Tk, n: D, k: Tq, transposeA: true });
      await backend.matmul(dP, g.k, dQ, { m: Tq, n: D, k: Tk });
      await backend.matmul(dP, g.q, dK, { m: Tk, n: D, k: Tq, transposeA: true });
      moveHead(dQ, dq, b, h, Tq, Tq, H, D, true);
      moveHead(dK, dk, b, h, Tk, Tk, H, D, true);
      moveHead(dV, dv, b, h, Tk, Tk, H, D, true);
    }
  }
}
