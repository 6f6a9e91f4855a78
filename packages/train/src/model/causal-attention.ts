// Scaled dot-product causal attention with grouped-query heads, as Llama's `eager_attention_forward`
// (query head h reads key/value head ⌊h / (H / KV)⌋, `repeat_kv`; scores scaled by 1/√D; causal
// mask plus an optional key mask; softmax; weighted sum of values), with its products on the
// Backend's matmul: per sequence and key/value group, the group's query heads are stacked into one
// [rep·T, D] block, so S = Q Kᵀ and O = P V are two matmuls (the wasm backend runs them 20–50× faster
// than scalar loops, which made attention most of a training step).
// Forward keeps only each row's log-sum-exp, not the [B, H, T, T] probabilities: backward recomputes
// S with one more matmul and P = exp(S − lse) (FlashAttention's trade; Megatron's "selective
// recomputation"). The probabilities were most of a block's saved bytes.
// The scalar version in test/helpers/reference-attention.ts is what this is checked against.
// Legend: B sequences, T positions, H query heads, KV key/value heads, D head size, rep = H / KV.
import type { MatmulBackend } from "./matmul.js";
import type { Scratch } from "./scratch.js";

/** Sizes of one attention call. */
export interface AttentionDims {
  B: number;
  T: number;
  H: number;
  KV: number;
  D: number;
}

/**
 * Moves `heads` heads (from `firstHead`) of sequence b between the flat `[B·T, perRow]` layout and
 * a stacked `[heads·T, D]` block: copies flat → block, or adds block into flat (`add`).
 */
function moveHeads(
  block: Float32Array,
  flat: Float32Array,
  b: number,
  firstHead: number,
  heads: number,
  dims: AttentionDims,
  perRow: number,
  add = false,
): void {
  const { T, D } = dims;
  for (let r = 0; r < heads; r++) {
    for (let i = 0; i < T; i++) {
      const f = (b * T + i) * perRow + (firstHead + r) * D;
      const o = (r * T + i) * D;
      if (!add) block.set(flat.subarray(f, f + D), o);
      else for (let d = 0; d < D; d++) flat[f + d] += block[o + d];
    }
  }
}

/** True when query i of sequence b may not read its past key j (a padded key that is not its own). */
function hidden(keyMask: Uint8Array | null, b: number, T: number, i: number, j: number): boolean {
  return keyMask !== null && keyMask[b * T + j] === 0 && j !== i;
}

/** Gathered blocks of one (sequence, group) and the [rep·T, T] score matrix, from scratch. */
function groupBuffers(scratch: Scratch, dims: AttentionDims) {
  const { T, H, KV, D } = dims;
  const rows = (H / KV) * T;
  return {
    q: scratch.get("attention.group.q", rows * D),
    k: scratch.get("attention.group.k", T * D),
    v: scratch.get("attention.group.v", T * D),
    s: scratch.get("attention.group.s", rows * T),
  };
}

/**
 * out[B·T, H·D] = softmax(q kᵀ/√D + mask) v per head; writes each row's log-sum-exp of the scaled
 * scores into lse[B, H, T]. `keyMask[B·T]` (1 = attend) hides padded keys; a row whose keys are all
 * hidden attends to itself only, so it stays finite.
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
  scratch: Scratch,
): Promise<void> {
  const { B, T, H, KV, D } = dims;
  const rep = H / KV;
  const rows = rep * T;
  const g = groupBuffers(scratch, dims);
  const o = scratch.get("attention.group.o", rows * D);
  out.fill(0);
  for (let b = 0; b < B; b++) {
    for (let kv = 0; kv < KV; kv++) {
      moveHeads(g.q, q, b, kv * rep, rep, dims, H * D);
      moveHeads(g.k, k, b, kv, 1, dims, KV * D);
      moveHeads(g.v, v, b, kv, 1, dims, KV * D);
      const shape = { m: rows, n: T, k: D, transposeB: true, alpha: 1 / Math.sqrt(D) };
      await backend.matmul(g.q, g.k, g.s, shape);
      for (let row = 0; row < rows; row++) {
        const i = row % T;
        const so = row * T;
        const s = g.s;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j <= i; j++) {
          if (hidden(keyMask, b, T, i, j)) s[so + j] = Number.NEGATIVE_INFINITY;
          else if (s[so + j] > max) max = s[so + j];
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const e = Math.exp(s[so + j] - max); // 0 for hidden keys (−∞)
          s[so + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j <= i; j++) s[so + j] *= inv;
        s.fill(0, so + i + 1, so + T); // the future
        lse[(b * H + kv * rep) * T + row] = max + Math.log(sum);
      }
      await backend.matmul(g.s, g.v, o, { m: rows, n: D, k: T });
      moveHeads(o, out, b, kv * rep, rep, dims, H * D, true);
    }
  }
}

/**
 * Backward of {@link attentionForward}: accumulates dq, dk, dv (+=) from dout, recomputing each
 * group's probabilities P = exp(S − lse). dS = P ⊙ (dP − rowsum(dP ⊙ P)) with dP = dout vᵀ.
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
  scratch: Scratch,
): Promise<void> {
  const { B, T, H, KV, D } = dims;
  const rep = H / KV;
  const rows = rep * T;
  const scale = 1 / Math.sqrt(D);
  const g = groupBuffers(scratch, dims);
  const dO = scratch.get("attention.group.dO", rows * D);
  const dP = scratch.get("attention.group.dP", rows * T);
  const dQ = scratch.get("attention.group.dQ", rows * D);
  const dK = scratch.get("attention.group.dK", T * D);
  const dV = scratch.get("attention.group.dV", T * D);
  for (let b = 0; b < B; b++) {
    for (let kv = 0; kv < KV; kv++) {
      moveHeads(g.q, q, b, kv * rep, rep, dims, H * D);
      moveHeads(g.k, k, b, kv, 1, dims, KV * D);
      moveHeads(g.v, v, b, kv, 1, dims, KV * D);
      moveHeads(dO, dout, b, kv * rep, rep, dims, H * D);
      await backend.matmul(g.q, g.k, g.s, { m: rows, n: T, k: D, transposeB: true, alpha: scale });
      await backend.matmul(dO, g.v, dP, { m: rows, n: T, k: D, transposeB: true });
      for (let row = 0; row < rows; row++) {
        const i = row % T;
        const so = row * T;
        const s = g.s;
        const l = lse[(b * H + kv * rep) * T + row];
        let rowDot = 0;
        for (let j = 0; j <= i; j++) {
          const p = hidden(keyMask, b, T, i, j) ? 0 : Math.exp(s[so + j] - l);
          s[so + j] = p;
          rowDot += p * dP[so + j];
        }
        // dS (scaled) overwrites dP; P stays in s for dV. Nothing flows to the future.
        for (let j = 0; j <= i; j++) dP[so + j] = s[so + j] * (dP[so + j] - rowDot) * scale;
        s.fill(0, so + i + 1, so + T);
        dP.fill(0, so + i + 1, so + T);
      }
      await backend.matmul(g.s, dO, dV, { m: T, n: D, k: rows, transposeA: true });
      await backend.matmul(dP, g.k, dQ, { m: rows, n: D, k: T });
      await backend.matmul(dP, g.q, dK, { m: T, n: D, k: rows, transposeA: true });
      moveHeads(dQ, dq, b, kv * rep, rep, dims, H * D, true);
      moveHeads(dK, dk, b, kv, 1, dims, KV * D, true);
      moveHeads(dV, dv, b, kv, 1, dims, KV * D, true);
    }
  }
}
