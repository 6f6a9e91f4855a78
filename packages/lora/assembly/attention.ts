// Fused attention (Backend.attentionForward/attentionBackward) as tiles of a job (job.ts): a
// forward tile is one (sequence, head), a backward tile one (sequence, key/value head) with the
// group's query heads, or one key/value head over every sequence when the bias gradient is asked
// (summed over sequences), so no two tiles write the same dk, dv or dBias rows. A query row at a
// time: scores, softmax and the weighted sum of values over its keys, 4 lanes of D and 4 keys a
// step (dot4, axpy4: 1.13–1.17× over one key a step, kairos-base-tiny's layer, interleaved); the backward recomputes probabilities from the forward's lse (FlashAttention,
// Dao et al. 2022, alg. 2, one row a block). Semantics: src/attention.ts, the naive kernels.
// Legend: B sequences, Tq query / Tk key positions, Tkv key/value rows a sequence, H query heads,
// KV key/value heads, D head size; q `[B·Tq, H·D]`, k and v `[B·Tkv, KV·D]`, bias `[H, Tq, Tk]`,
// lse `[B, H, Tq]`, mask `[B·Tk]` u8; pointers are byte addresses in linear memory.
import { blockedBackward, blockedForward, maskRow, setBlockedTile } from "./attention-blocked";
import { logAtLeastOne, rowMax } from "./cross-entropy";
import { at, axpy, axpy4, dot, dot4, expRow } from "./row-vectors";

/** The descriptor: 4 bytes a field, in job.ts's block below the arena. */
const A: usize = 1024 + 256;
const CAUSAL = 1;
const KEEP_SELF = 2;
const BACKWARD = 4;
/** The tile runs through the microkernel (attention-blocked.ts; the caller asks attentionBlocked). */
const BLOCKED = 8;

/**
 * Publishes the operands of the next attention job (job.ts `beginTiles`): o is out (forward) or
 * dOut (backward); mask, bias, dq… dBias 0 for none. flags: 1 causal, 2 keepSelf, 4 backward.
 * Each thread t uses scratch + t · scratchStride bytes (2·Tk + D + 4 floats).
 */
export function setAttention(
  q: usize,
  k: usize,
  v: usize,
  o: usize,
  lse: usize,
  mask: usize,
  bias: usize,
  dq: usize,
  dk: usize,
  dv: usize,
  dBias: usize,
  scratch: usize,
  scratchStride: usize,
): void {
  store<u32>(A, <u32>q);
  store<u32>(A, <u32>k, 4);
  store<u32>(A, <u32>v, 8);
  store<u32>(A, <u32>o, 12);
  store<u32>(A, <u32>lse, 16);
  store<u32>(A, <u32>mask, 20);
  store<u32>(A, <u32>bias, 24);
  store<u32>(A, <u32>dq, 28);
  store<u32>(A, <u32>dk, 32);
  store<u32>(A, <u32>dv, 36);
  store<u32>(A, <u32>dBias, 40);
  store<u32>(A, <u32>scratch, 80);
  store<u32>(A, <u32>scratchStride, 84);
}

/** Publishes the sizes of the next attention job (see setAttention). */
export function setAttentionShape(
  B: i32,
  Tq: i32,
  Tk: i32,
  Tkv: i32,
  H: i32,
  KV: i32,
  D: i32,
  flags: i32,
  scale: f32,
): void {
  store<i32>(A, B, 44);
  store<i32>(A, Tq, 48);
  store<i32>(A, Tk, 52);
  store<i32>(A, Tkv, 56);
  store<i32>(A, H, 60);
  store<i32>(A, KV, 64);
  store<i32>(A, D, 68);
  store<i32>(A, flags, 72);
  store<f32>(A, scale, 76);
}

/** Tiles of the published job: B·H forward, B·KV backward, KV with a bias gradient. */
export function attentionTiles(): i32 {
  const B = load<i32>(A, 44);
  const H = load<i32>(A, 60);
  const KV = load<i32>(A, 64);
  if ((load<i32>(A, 72) & BACKWARD) === 0) return B * H;
  return load<u32>(A, 40) !== 0 ? KV : B * KV;
}

/**
 * Scores of query row qi against keys 0 … n−1 (ks bytes apart) into s: scale · q·k + bias, −∞
 * for a padded key (mask 0) other than key `self`. Returns how many keys are visible; none:
 * s holds Tk zeros (the row is uniform over every key) and n becomes Tk (returned as −Tk).
 */
function scoreRow(
  qi: usize,
  k: usize,
  ks: usize,
  n: i32,
  Tk: i32,
  D: i32,
  scale: f32,
  mask: usize,
  bias: usize,
  self: i32,
  s: usize,
): i32 {
  const sc = f32x4.splat(scale);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let x = f32x4.mul(sc, dot4(qi, k + <usize>j * ks, ks, D));
    if (bias !== 0) x = f32x4.add(x, v128.load(at(bias, j)));
    v128.store(at(s, j), x);
  }
  for (; j < n; j++) {
    const b: f32 = bias !== 0 ? load<f32>(at(bias, j)) : 0;
    store<f32>(at(s, j), scale * dot(qi, k + <usize>j * ks, D) + b);
  }
  return maskRow(s, n, Tk, mask, self);
}

/** One query row of the forward: out row oi and its lse (see Backend.attentionForward). */
function forwardRow(
  qi: usize,
  k: usize,
  v: usize,
  ks: usize,
  n: i32,
  Tk: i32,
  D: i32,
  scale: f32,
  mask: usize,
  bias: usize,
  self: i32,
  s: usize,
  acc: usize,
  oi: usize,
  lse: usize,
): void {
  const seen = scoreRow(qi, k, ks, n, Tk, D, scale, mask, bias, self, s);
  if (seen < 0) n = Tk;
  const m = rowMax(s, n);
  const sum = expRow(s, n, m);
  store<f32>(lse, <f32>(<f64>m + logAtLeastOne(<f64>sum)));
  memory.fill(acc, 0, (<usize>D) << 2);
  let j = 0;
  for (; j + 4 <= n; j += 4) axpy4(v128.load(at(s, j)), v + <usize>j * ks, ks, acc, D);
  for (; j < n; j++) {
    const e = load<f32>(at(s, j));
    if (e !== 0) axpy(e, v + <usize>j * ks, acc, D);
  }
  const inv: f32 = 1 / sum;
  for (let d = 0; d < D; d++) store<f32>(at(oi, d), load<f32>(at(acc, d)) * inv);
}

/** One query row of the backward (see Backend.attentionBackward); gq: D floats of scratch. */
function backwardRow(
  qi: usize,
  doi: usize,
  dqi: usize,
  k: usize,
  v: usize,
  dk: usize,
  dv: usize,
  ks: usize,
  n: i32,
  Tk: i32,
  D: i32,
  scale: f32,
  mask: usize,
  bias: usize,
  dBias: usize,
  self: i32,
  l: f32,
  s: usize,
  dp: usize,
  gq: usize,
): void {
  const seen = scoreRow(qi, k, ks, n, Tk, D, scale, mask, bias, self, s);
  if (seen < 0) n = Tk;
  // p = e^(s − lse), renormalised to sum 1 (as the naive kernel: lse is rounded to float32).
  const total = f32x4.splat(expRow(s, n, l));
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(s, j), f32x4.div(v128.load(at(s, j)), total));
  for (; j < n; j++) store<f32>(at(s, j), load<f32>(at(s, j)) / f32x4.extract_lane(total, 0));
  // dp = dOut_i·v_j, 4 keys a step (those with p = 0 too: they cost less than a branch).
  for (j = 0; j + 4 <= n; j += 4) v128.store(at(dp, j), dot4(doi, v + <usize>j * ks, ks, D));
  for (; j < n; j++) store<f32>(at(dp, j), dot(doi, v + <usize>j * ks, D));
  let rowDot: f32 = 0;
  for (j = 0; j < n; j++) rowDot += load<f32>(at(s, j)) * load<f32>(at(dp, j));
  memory.fill(gq, 0, (<usize>D) << 2);
  for (j = 0; j < n; j++) {
    const p = load<f32>(at(s, j));
    const kj = <usize>j * ks;
    // dS_j = p (dp − rowDot) into dp (0 for a hidden key, and on a uniform row).
    const ds: f32 = seen < 0 ? 0 : p * (load<f32>(at(dp, j)) - rowDot);
    store<f32>(at(dp, j), ds);
    if (p === 0) continue;
    axpy(p, doi, dv + kj, D);
    if (seen < 0) continue; // a uniform row: its scores have no effect
    if (dBias !== 0) store<f32>(at(dBias, j), load<f32>(at(dBias, j)) + ds);
    axpy(scale * ds, qi, dk + kj, D);
  }
  // gq = Σ_j dS_j k_j, 4 keys a step.
  for (j = 0; j + 4 <= n; j += 4) axpy4(v128.load(at(dp, j)), k + <usize>j * ks, ks, gq, D);
  for (; j < n; j++) axpy(load<f32>(at(dp, j)), k + <usize>j * ks, gq, D);
  axpy(scale, gq, dqi, D);
}

/** Runs tile `tile` of the published attention job on thread `thread`. */
export function attentionTile(tile: i32, thread: i32): void {
  const q = <usize>load<u32>(A);
  const k = <usize>load<u32>(A, 4);
  const v = <usize>load<u32>(A, 8);
  const o = <usize>load<u32>(A, 12);
  const lse = <usize>load<u32>(A, 16);
  const mask = <usize>load<u32>(A, 20);
  const bias = <usize>load<u32>(A, 24);
  const dq = <usize>load<u32>(A, 28);
  const dk = <usize>load<u32>(A, 32);
  const dv = <usize>load<u32>(A, 36);
  const dBias = <usize>load<u32>(A, 40);
  const B = load<i32>(A, 44);
  const Tq = load<i32>(A, 48);
  const Tk = load<i32>(A, 52);
  const Tkv = load<i32>(A, 56);
  const H = load<i32>(A, 60);
  const KV = load<i32>(A, 64);
  const D = load<i32>(A, 68);
  const flags = load<i32>(A, 72);
  const scale = load<f32>(A, 76);
  const s = <usize>load<u32>(A, 80) + <usize>thread * <usize>load<u32>(A, 84);
  const dp = at(s, Tk);
  const vec = at(dp, Tk);
  const rep = H / KV;
  const qs = (<usize>(H * D)) << 2; // bytes a row of q
  const ks = (<usize>(KV * D)) << 2; // bytes a row of k and v
  const backward = (flags & BACKWARD) !== 0;
  const causal = (flags & CAUSAL) !== 0;
  const keepSelf = (flags & KEEP_SELF) !== 0;
  // Forward: (b, h) = tile. Backward: (b, g) = tile, or g = tile and every b with dBias.
  let b0 = tile / H;
  let b1 = b0 + 1;
  let h0 = tile % H;
  let h1 = h0 + 1;
  if (backward) {
    const g = dBias !== 0 ? tile : tile % KV;
    b0 = dBias !== 0 ? 0 : tile / KV;
    b1 = dBias !== 0 ? B : b0 + 1;
    h0 = g * rep;
    h1 = h0 + rep;
  }
  if ((flags & BLOCKED) !== 0) {
    setBlockedTile(q, k, v, o, dq, dk, dv, qs, ks, Tq, Tk, D, scale, causal, keepSelf);
    for (let b = b0; b < b1; b++) {
      const m: usize = mask !== 0 ? mask + <usize>(b * Tk) : 0;
      for (let h = h0; h < h1; h++) {
        const row = <usize>(b * Tq) * qs + ((<usize>(h * D)) << 2);
        const kv = <usize>(b * Tkv) * ks + ((<usize>((h / rep) * D)) << 2);
        const biasRows: usize = bias !== 0 ? at(bias, h * Tq * Tk) : 0;
        const lseH = at(lse, (b * H + h) * Tq);
        if (!backward) blockedForward(row, kv, biasRows, m, lseH, s);
        else blockedBackward(row, kv, biasRows, m, lseH, s, h > h0);
      }
    }
    return;
  }
  for (let b = b0; b < b1; b++) {
    const maskB: usize = mask !== 0 ? mask + <usize>(b * Tk) : 0;
    for (let h = h0; h < h1; h++) {
      const kv = <usize>(b * Tkv) * ks + ((<usize>((h / rep) * D)) << 2);
      for (let i = 0; i < Tq; i++) {
        const n = causal ? min(i + 1, Tk) : Tk;
        const self = keepSelf ? i : -1;
        const row = <usize>(b * Tq + i) * qs + ((<usize>(h * D)) << 2);
        const biasRow: usize = bias !== 0 ? at(bias, (h * Tq + i) * Tk) : 0;
        const lseAt = at(lse, (b * H + h) * Tq + i);
        if (!backward) {
          forwardRow(
            q + row,
            k + kv,
            v + kv,
            ks,
            n,
            Tk,
            D,
            scale,
            maskB,
            biasRow,
            self,
            s,
            vec,
            o + row,
            lseAt,
          );
          continue;
        }
        const dBiasRow: usize = dBias !== 0 ? at(dBias, (h * Tq + i) * Tk) : 0;
        backwardRow(
          q + row,
          o + row,
          dq + row,
          k + kv,
          v + kv,
          dk + kv,
          dv + kv,
          ks,
          n,
          Tk,
          D,
          scale,
          maskB,
          biasRow,
          dBiasRow,
          self,
          load<f32>(lseAt),
          s,
          dp,
          vec,
        );
      }
    }
  }
}
