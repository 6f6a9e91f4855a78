// Attention tiles as matmuls through the microkernel (gemm.ts), for head sizes that are a
// multiple of 8: a tile's scores S = scale·Q·Kᵀ for a block of GEMM_ROWS query rows against the
// keys the block can see (Kᵀ packed into panels once a tile), the softmax a row at a time, then
// O = P·V. The backward keeps the tile's P and dS `[Tq][TkPad]` whole, so that dV += Pᵀ·dO and
// dK += dSᵀ·Q run over every query row at once (the shared dimension long, causal rows skipped),
// and dQ += dS·K. The row kernels (attention.ts) run a query row at a time, loading every key and
// value row once a query; here a key row's load serves a block of queries (kairos-base-small's
// layer: 575 tokens, D 32). Semantics (masks, keepSelf, uniform rows, lse): src/attention.ts.
// Legend as attention.ts; TkPad = Tk rounded up to 8; pointers are byte addresses.
import { logAtLeastOne, rowMax } from "./cross-entropy";
import { addBias, packPanels, scale } from "./elementwise";
import { GEMM_PACK_FLOATS, GEMM_ROWS, gemm } from "./gemm";
import { madd } from "./microkernel";
import { at, expRow } from "./row-vectors";

/** Query rows times padded keys past which the backward keeps to the row kernels (8 MB a matrix). */
const MAX_BLOCK_MATRIX: i32 = 1 << 21;

/** Tk rounded up to a whole panel of 8 keys. */
function padded(Tk: i32): i32 {
  return (Tk + 7) & ~7;
}

/** Whether a job of these sizes runs blocked (D a multiple of 8; a backward without dBias, P and dS small enough). */
export function attentionBlocked(Tq: i32, Tk: i32, D: i32, backward: i32, dBias: i32): bool {
  if (D % 8 !== 0 || Tq === 0 || Tk === 0) return false;
  if (backward === 0) return true;
  return dBias === 0 && Tq * padded(Tk) <= MAX_BLOCK_MATRIX;
}

/** Floats of scratch a thread needs for a blocked job of these sizes. */
export function blockedAttentionFloats(Tq: i32, Tk: i32, D: i32, backward: i32): i32 {
  const TkPad = padded(Tk);
  if (backward === 0) return TkPad * D + GEMM_ROWS * TkPad + GEMM_ROWS + GEMM_PACK_FLOATS;
  return 2 * TkPad * D + 2 * Tq * TkPad + Tq + GEMM_PACK_FLOATS;
}

/**
 * Masks the `n` scores of a row at s: −∞ for a padded key (mask 0) other than key `self`.
 * Returns how many stay visible; none: s holds Tk zeros (the row is uniform over every key) and
 * the result is −Tk.
 */
export function maskRow(s: usize, n: i32, Tk: i32, mask: usize, self: i32): i32 {
  if (mask === 0) return n;
  let seen = 0;
  for (let j = 0; j < n; j++) {
    if (load<u8>(mask + <usize>j) === 0 && j !== self) {
      store<f32>(at(s, j), f32.NEGATIVE_INFINITY);
    } else seen++;
  }
  if (seen > 0) return seen;
  memory.fill(s, 0, (<usize>Tk) << 2);
  return -Tk;
}

/** The tile's operands and sizes (setBlockedTile): per instance, so per thread. */
let Q: usize = 0;
let K: usize = 0;
let V: usize = 0;
let O: usize = 0; // out (forward) or dOut (backward)
let DQ: usize = 0;
let DK: usize = 0;
let DV: usize = 0;
let QS: usize = 0; // bytes a row of q
let KS: usize = 0; // bytes a row of k and v
let TQ: i32 = 0;
let TK: i32 = 0;
let HD: i32 = 0; // D
let SCALE: f32 = 0;
let CAUSAL_: bool = false;
let KEEP_SELF_: bool = false;

/** Sets the operands and sizes of the tile about to run (see attention.ts's descriptor). */
export function setBlockedTile(
  q: usize,
  k: usize,
  v: usize,
  o: usize,
  dq: usize,
  dk: usize,
  dv: usize,
  qs: usize,
  ks: usize,
  Tq: i32,
  Tk: i32,
  D: i32,
  scale: f32,
  causal: bool,
  keepSelf: bool,
): void {
  Q = q;
  K = k;
  V = v;
  O = o;
  DQ = dq;
  DK = dk;
  DV = dv;
  QS = qs;
  KS = ks;
  TQ = Tq;
  TK = Tk;
  HD = D;
  SCALE = scale;
  CAUSAL_ = causal;
  KEEP_SELF_ = keepSelf;
}

/**
 * Kᵀ of the tile's key head packed into panels at Kp, times the score scale: the scores' gemm
 * then runs at alpha 1, storing its blocks straight into S.
 */
function packScaledKeys(kv: usize, Kp: usize): void {
  const TkPad = padded(TK);
  packPanels(K + kv, 4, KS, TK, HD, Kp, (<usize>HD) << 5);
  scale(Kp, SCALE, Kp, TkPad * HD);
}

/** Keys query rows i0 … i0 + rows − 1 may see between them (causal: up to the last row's own). */
function keysSeen(i0: i32, rows: i32): i32 {
  return CAUSAL_ ? min(i0 + rows, TK) : TK;
}

/**
 * Scores of query rows i0 … i0 + rows of one head (row: the byte offset of its row 0 in q; mask
 * and biasRows 0 for none) into S (rows TkPad floats apart), softmaxed a row at a time over the
 * keys each may see: normalised (forward, writing lse) or the backward's probabilities from lse;
 * entries past a row's keys zeroed. Row r's visible count goes to info[r] (−Tk for a uniform
 * row). Returns the most keys any row uses.
 */
function probabilities(
  row: usize,
  biasRows: usize,
  mask: usize,
  lse: usize,
  Kp: usize,
  S: usize,
  info: usize,
  inverse: usize,
  i0: i32,
  rows: i32,
  backward: bool,
  pack: usize,
): i32 {
  const TkPad = padded(TK);
  const ldS = (<usize>TkPad) << 2;
  const nk = keysSeen(i0, rows);
  const qi = Q + row + <usize>i0 * QS;
  gemm(rows, nk, HD, qi, QS, 4, Kp, 32, (<usize>HD) << 5, S, ldS, 1, false, pack);
  let most = 0;
  for (let r = 0; r < rows; r++) {
    const i = i0 + r;
    const s = S + <usize>r * ldS;
    let n = CAUSAL_ ? min(i + 1, TK) : TK;
    if (biasRows !== 0) addBias(s, at(biasRows, i * TK), 1, n);
    const seen = maskRow(s, n, TK, mask, KEEP_SELF_ ? i : -1);
    if (seen < 0) n = TK;
    store<i32>(info + ((<usize>r) << 2), seen < 0 ? -TK : n);
    const l = at(lse, i);
    if (!backward) {
      // Unnormalised: the forward scales the row's output by 1/sum instead (D values, not n).
      const m = rowMax(s, n);
      const sum = expRow(s, n, m);
      store<f32>(l, <f32>(<f64>m + logAtLeastOne(<f64>sum)));
      store<f32>(at(inverse, r), 1 / sum);
    } else {
      // p = e^(s − lse), renormalised to sum 1 (as the naive kernel: lse is rounded to float32).
      scale(s, 1 / expRow(s, n, load<f32>(l)), s, n);
    }
    if (n < TkPad) memory.fill(at(s, n), 0, (<usize>(TkPad - n)) << 2);
    most = max(most, n);
  }
  return most;
}

/**
 * A forward tile: one (sequence, head), its row 0 at byte offset row of q and out, its key/value
 * head at kv of k and v, its lse `[Tq]` at lse (see the header).
 */
export function blockedForward(
  row: usize,
  kv: usize,
  biasRows: usize,
  mask: usize,
  lse: usize,
  scratch: usize,
): void {
  const TkPad = padded(TK);
  const Kp = scratch;
  const S = at(Kp, TkPad * HD);
  const inverse = at(S, GEMM_ROWS * TkPad); // [GEMM_ROWS]: 1 / a row's sum of exps
  const pack = at(inverse, GEMM_ROWS);
  const info = pack; // row counts: read before the next gemm overwrites the buffer
  packScaledKeys(kv, Kp);
  for (let i0 = 0; i0 < TQ; i0 += GEMM_ROWS) {
    const rows = min(GEMM_ROWS, TQ - i0);
    const most = probabilities(
      row,
      biasRows,
      mask,
      lse,
      Kp,
      S,
      info,
      inverse,
      i0,
      rows,
      false,
      pack,
    );
    const oi = O + row + <usize>i0 * QS;
    gemm(rows, HD, most, S, (<usize>TkPad) << 2, 4, V + kv, KS, 32, oi, QS, 1, false, pack);
    for (let r = 0; r < rows; r++) {
      const o = oi + <usize>r * QS;
      scale(o, load<f32>(at(inverse, r)), o, HD);
    }
  }
}

/**
 * One head of a backward tile (offsets as blockedForward; packedKV: the group's keys and values
 * are packed already, by its first head): dq, dk and dv accumulated.
 */
export function blockedBackward(
  row: usize,
  kv: usize,
  biasRows: usize,
  mask: usize,
  lse: usize,
  scratch: usize,
  packedKV: bool,
): void {
  const TkPad = padded(TK);
  const ldS = (<usize>TkPad) << 2;
  const Kp = scratch;
  const Vp = at(Kp, TkPad * HD);
  const P = at(Vp, TkPad * HD);
  const dS = at(P, TQ * TkPad);
  const info = at(dS, TQ * TkPad);
  const pack = at(info, TQ);
  const panelStride = (<usize>HD) << 5;
  if (!packedKV) {
    packScaledKeys(kv, Kp);
    packPanels(V + kv, 4, KS, TK, HD, Vp, panelStride);
  }
  let uniform = false;
  for (let i0 = 0; i0 < TQ; i0 += GEMM_ROWS) {
    const rows = min(GEMM_ROWS, TQ - i0);
    const Pi = P + <usize>i0 * ldS;
    const infoI = at(info, i0);
    probabilities(row, biasRows, mask, lse, Kp, Pi, infoI, 0, i0, rows, true, pack);
    // dp = dOut·vᵀ for the keys the block sees, then dS = p (dp − Σ p·dp) a row at a time.
    const nk = keysSeen(i0, rows);
    const dSi = dS + <usize>i0 * ldS;
    const doi = O + row + <usize>i0 * QS;
    gemm(rows, nk, HD, doi, QS, 4, Vp, 32, panelStride, dSi, ldS, 1, false, pack);
    for (let r = 0; r < rows; r++) {
      const n = load<i32>(at(infoI, r));
      if (n < 0) uniform = true; // its scores have no effect: no dS
      softmaxGrad(Pi + <usize>r * ldS, dSi + <usize>r * ldS, n, TkPad, SCALE);
    }
  }
  // dv += Pᵀ·dOut and dk += dSᵀ·q (dS holds the scale), GEMM_ROWS keys at a time over the queries that see them
  // (causal: from the key's own row; a uniform row sees every key, so then from row 0 for dv).
  for (let j0 = 0; j0 < TK; j0 += GEMM_ROWS) {
    const keys = min(GEMM_ROWS, TK - j0);
    const fromV = CAUSAL_ && !uniform ? j0 : 0;
    const fromK = CAUSAL_ ? j0 : 0;
    const at0 = kv + <usize>j0 * KS;
    const pj = at(P, j0) + <usize>fromV * ldS;
    const dof = O + row + <usize>fromV * QS;
    gemm(keys, HD, TQ - fromV, pj, 4, ldS, dof, QS, 32, DV + at0, KS, 1, true, pack);
    const sj = at(dS, j0) + <usize>fromK * ldS;
    const qf = Q + row + <usize>fromK * QS;
    gemm(keys, HD, TQ - fromK, sj, 4, ldS, qf, QS, 32, DK + at0, KS, 1, true, pack);
  }
  // dq += dS·k (dS holds the scale), over the keys each block of queries sees.
  for (let i0 = 0; i0 < TQ; i0 += GEMM_ROWS) {
    const rows = min(GEMM_ROWS, TQ - i0);
    const nk = keysSeen(i0, rows);
    const dSi = dS + <usize>i0 * ldS;
    const dqi = DQ + row + <usize>i0 * QS;
    gemm(rows, HD, nk, dSi, ldS, 4, K + kv, KS, 32, dqi, QS, 1, true, pack);
  }
}

/**
 * dS = scale · p (dp − Σ p·dp) in place of the row's dp at d, over its n visible keys (the
 * gradient of the unscaled scores q·k, so dq and dk need no alpha), zeros past them (all zeros
 * for a uniform row, n < 0: its scores have no effect).
 */
function softmaxGrad(p: usize, d: usize, n: i32, TkPad: i32, scaleBy: f32): void {
  if (n < 0) {
    memory.fill(d, 0, (<usize>TkPad) << 2);
    return;
  }
  let dots = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) dots = madd(v128.load(at(p, j)), v128.load(at(d, j)), dots);
  let rowDot =
    f32x4.extract_lane(dots, 0) +
    f32x4.extract_lane(dots, 1) +
    (f32x4.extract_lane(dots, 2) + f32x4.extract_lane(dots, 3));
  for (; j < n; j++) rowDot += load<f32>(at(p, j)) * load<f32>(at(d, j));
  const rd = f32x4.splat(rowDot);
  const sv = f32x4.splat(scaleBy);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const g = f32x4.mul(v128.load(at(p, j)), f32x4.sub(v128.load(at(d, j)), rd));
    v128.store(at(d, j), f32x4.mul(g, sv));
  }
  for (; j < n; j++) {
    store<f32>(at(d, j), load<f32>(at(p, j)) * (load<f32>(at(d, j)) - rowDot) * scaleBy);
  }
  if (n < TkPad) memory.fill(at(d, n), 0, (<usize>(TkPad - n)) << 2);
}
