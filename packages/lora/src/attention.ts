// Fused attention (`Backend.attentionForward`/`attentionBackward`): the argument check every
// backend shares and the clear, naive kernels they are tested against, one query row at a time in
// float64 (Llama's `eager_attention_forward` and T5's `T5Attention` core, as @kairos/train ran
// them; backward from the saved log-sum-exp, FlashAttention-style: Dao et al. 2022, alg. 2).
// Legend: B sequences, Tq query / Tk key positions, Tkv key/value rows a sequence, H query heads,
// KV key/value heads, D head size; q `[B·Tq, H·D]`, k and v `[B·Tkv, KV·D]`, bias `[H, Tq, Tk]`.
import type { AttentionStep } from "./backend";
import { checkVector } from "./matmul-shape";

function checkCount(fn: string, name: string, value: number, least: number): void {
  if (!Number.isInteger(value) || value < least) {
    const what = least > 0 ? "a positive integer" : "a non-negative integer";
    throw new RangeError(`${fn}: ${name} must be ${what}, got ${value}`);
  }
}

/**
 * Throws a `RangeError` naming the argument when the sizes of an attention step are not
 * integers, KV does not divide H, Tkv < Tk, or a buffer is shorter than its shape. `grads`:
 * the forward's out, or the backward's dOut, dq, dk, dv and dBias (null: none).
 */
export function checkAttention(
  fn: string,
  step: AttentionStep,
  grads: Partial<Record<"dOut" | "dq" | "dk" | "dv" | "dBias", Float32Array | null>> | Float32Array,
): void {
  const { B, Tq, Tk, H, KV, D } = step;
  const Tkv = step.Tkv ?? Tk;
  // Sequences and positions may be 0 (nothing to do); heads and head size may not.
  for (const [name, value] of Object.entries({ B, Tq, Tk, H, KV, D })) {
    checkCount(fn, name, value, name === "B" || name.startsWith("T") ? 0 : 1);
  }
  if (H % KV !== 0) throw new RangeError(`${fn}: KV must divide H (${H}), got ${KV}`);
  if (!Number.isInteger(Tkv) || Tkv < Tk) {
    throw new RangeError(`${fn}: Tkv must be an integer ≥ Tk (${Tk}), got ${Tkv}`);
  }
  if (!Number.isFinite(step.scale)) {
    throw new RangeError(`${fn}: scale must be a finite number, got ${step.scale}`);
  }
  const [rowsQ, rowsK] = [B * Tq * H * D, B * Tkv * KV * D];
  checkVector(fn, "q", step.q, rowsQ);
  checkVector(fn, "k", step.k, rowsK);
  checkVector(fn, "v", step.v, rowsK);
  checkVector(fn, "lse", step.lse, B * H * Tq);
  if (step.bias !== null) checkVector(fn, "bias", step.bias, H * Tq * Tk);
  if (step.keyMask !== null && step.keyMask.length < B * Tk) {
    throw new RangeError(
      `${fn}: keyMask must hold at least ${B * Tk} flags, got ${step.keyMask.length}`,
    );
  }
  if (grads instanceof Float32Array) {
    checkVector(fn, "out", grads, rowsQ);
    return;
  }
  const sizes = { dOut: rowsQ, dq: rowsQ, dk: rowsK, dv: rowsK, dBias: H * Tq * Tk };
  for (const [name, array] of Object.entries(grads) as Array<[keyof typeof sizes, Float32Array]>) {
    if (array !== null) checkVector(fn, name, array, sizes[name]);
  }
}

/**
 * Which keys query i of sequence b sees (`seen[j]` = 1) and whether any: real keys (or its own
 * with keepSelf) at or before i when causal. None: all Tk seen, a uniform row.
 */
export function visibleKeys(step: AttentionStep, b: number, i: number, seen: Uint8Array): boolean {
  const { Tk, keyMask } = step;
  const last = step.causal ? Math.min(i, Tk - 1) : Tk - 1;
  let any = false;
  for (let j = 0; j < Tk; j++) {
    const real =
      keyMask === null || keyMask[b * Tk + j] !== 0 || (step.keepSelf === true && j === i);
    seen[j] = j <= last && real ? 1 : 0;
    any ||= seen[j] === 1;
  }
  if (!any) seen.fill(1, 0, Tk);
  return any;
}

/** Scores of row (b, h, i) into s: scale · q_i·k_j + bias (0 everywhere on a uniform row). */
function scoreRow(
  step: AttentionStep,
  b: number,
  h: number,
  i: number,
  any: boolean,
  s: Float64Array,
) {
  const { Tq, Tk, H, KV, D, q, k, bias, scale } = step;
  const Tkv = step.Tkv ?? Tk;
  const g = Math.floor(h / (H / KV));
  const qo = (b * Tq + i) * H * D + h * D;
  for (let j = 0; j < Tk; j++) {
    if (!any) {
      s[j] = 0;
      continue;
    }
    const ko = (b * Tkv + j) * KV * D + g * D;
    let dot = 0;
    for (let d = 0; d < D; d++) dot += q[qo + d] * k[ko + d];
    s[j] = scale * dot + (bias === null ? 0 : bias[(h * Tq + i) * Tk + j]);
  }
}

/** The naive kernel of `Backend.attentionForward`: out overwritten, lse written. */
export function naiveAttentionForward(step: AttentionStep, out: Float32Array): void {
  const { B, Tq, Tk, H, KV, D, v, lse } = step;
  const Tkv = step.Tkv ?? Tk;
  const [s, seen, acc] = [new Float64Array(Tk), new Uint8Array(Tk), new Float64Array(D)];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / KV));
      for (let i = 0; i < Tq; i++) {
        const any = visibleKeys(step, b, i, seen);
        scoreRow(step, b, h, i, any, s);
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < Tk; j++) if (seen[j] && s[j] > max) max = s[j];
        let sum = 0;
        acc.fill(0);
        for (let j = 0; j < Tk; j++) {
          if (!seen[j]) continue;
          const e = Math.exp(s[j] - max);
          sum += e;
          const vo = (b * Tkv + j) * KV * D + g * D;
          for (let d = 0; d < D; d++) acc[d] += e * v[vo + d];
        }
        const o = (b * Tq + i) * H * D + h * D;
        for (let d = 0; d < D; d++) out[o + d] = Tk === 0 ? 0 : acc[d] / sum;
        lse[(b * H + h) * Tq + i] = Tk === 0 ? Number.NEGATIVE_INFINITY : max + Math.log(sum);
      }
    }
  }
}

/**
 * The naive kernel of `Backend.attentionBackward`: with p_j = exp(s_j − lse) (renormalised) and
 * dp_j = dOut_i·v_j, dS_j = p_j (dp_j − Σ p·dp) (0 on a uniform row); dv_j += p_j dOut_i,
 * dq_i += scale Σ dS_j k_j, dk_j += scale dS_j q_i, dBias[h, i, j] += dS_j.
 */
export function naiveAttentionBackward(
  step: AttentionStep,
  dOut: Float32Array,
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dBias: Float32Array | null,
): void {
  const { B, Tq, Tk, H, KV, D, q, k, v, lse, scale } = step;
  const Tkv = step.Tkv ?? Tk;
  const [s, dp, seen] = [new Float64Array(Tk), new Float64Array(Tk), new Uint8Array(Tk)];
  const gq = new Float64Array(D); // this row's dq, summed over keys
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / KV));
      for (let i = 0; i < Tq; i++) {
        const any = visibleKeys(step, b, i, seen);
        scoreRow(step, b, h, i, any, s);
        const qo = (b * Tq + i) * H * D + h * D;
        const l = lse[(b * H + h) * Tq + i];
        let total = 0;
        for (let j = 0; j < Tk; j++) {
          const vo = (b * Tkv + j) * KV * D + g * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += dOut[qo + d] * v[vo + d];
          s[j] = seen[j] ? Math.exp(s[j] - l) : 0; // p
          dp[j] = dot;
          total += s[j];
        }
        // p renormalised to sum 1: lse was saved in float32, and a row with one visible key
        // must pass its query exactly no gradient (p = 1, dS = 0), as PyTorch's does.
        let rowDot = 0;
        for (let j = 0; j < Tk; j++) {
          s[j] /= total;
          rowDot += s[j] * dp[j];
        }
        gq.fill(0);
        for (let j = 0; j < Tk; j++) {
          const ko = (b * Tkv + j) * KV * D + g * D;
          const p = s[j];
          for (let d = 0; d < D; d++) dv[ko + d] += p * dOut[qo + d];
          if (!any || p === 0) continue;
          const ds = p * (dp[j] - rowDot);
          if (dBias !== null) dBias[(h * Tq + i) * Tk + j] += ds;
          for (let d = 0; d < D; d++) {
            gq[d] += ds * k[ko + d];
            dk[ko + d] += scale * ds * q[qo + d];
          }
        }
        for (let d = 0; d < D; d++) dq[qo + d] += scale * gq[d];
      }
    }
  }
}
