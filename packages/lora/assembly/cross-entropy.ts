// Softmax cross-entropy over rows of logits (Backend.crossEntropyRows), 4 lanes at a time: the
// forward's max and log-sum-exp, the backward's dlogits = scale · (softmax − onehot) in place,
// with exp as a vectorised polynomial (Cephes expf, as in sse_mathfun's exp_ps: x = n·ln2 + r,
// |r| ≤ ln2/2, a degree-5 polynomial for e^r, 2^n put into the exponent bits).
// Legend: R rows, V vocabulary; logits `[R, V]` f32, labels `[R]` i32, lse `[R]` f32; pointers
// are byte addresses in linear memory.
import { madd } from "./microkernel";

const IGNORE_INDEX: i32 = -100;
/** Below this, e^x is under float32's smallest normal: returned as 0 (a denormal at most). */
const EXP_LO: f32 = -87.33654;
const EXP_HI: f32 = 88.37626;

/** e^x for each lane of x, within 2 ulp of float32's exp over [-87.3, 88.4]; 0 below. */
export function exp4(x: v128): v128 {
  const low = f32x4.lt(x, f32x4.splat(EXP_LO));
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(<f32>Math.LOG2E)));
  // r = x − n·ln2 in two steps (Cody–Waite): ln2 = 0.693359375 − 2.12194440e-4, the first exact.
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  const y = f32x4.add(madd(p, r2, r), f32x4.splat(1));
  // 2^n as float bits: (n + 127) << 23, n in [-126, 127] after the clamp.
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(y, pow2n), low);
}

/** The scalar tail: e^x through the same polynomial, so a row's lanes and tail agree. */
export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/**
 * ln x for x ≥ 1 (a row's Σ e^(z − max)), within ~1e-14: x = m·2^e with m in [√½, √2), then
 * ln m = 2·atanh(s), s = (m − 1)/(m + 1), by its series to s^15. Not Math.log: AssemblyScript's
 * uses lookup tables in static memory, which the job state and the arena share.
 */
export function logAtLeastOne(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > Math.SQRT2) {
    m *= 0.5;
    e++;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let p: f64 = 1.0 / 15;
  p = p * s2 + 1.0 / 13;
  p = p * s2 + 1.0 / 11;
  p = p * s2 + 1.0 / 9;
  p = p * s2 + 1.0 / 7;
  p = p * s2 + 1.0 / 5;
  p = p * s2 + 1.0 / 3;
  p = p * s2 + 1;
  return <f64>e * Math.LN2 + 2 * s * p;
}

/** Largest of the `count` floats at row. */
export function rowMax(row: usize, count: i32): f32 {
  let m0 = f32x4.splat(f32.NEGATIVE_INFINITY);
  let m1 = m0;
  let v = 0;
  for (; v + 8 <= count; v += 8) {
    const p = row + ((<usize>v) << 2);
    m0 = f32x4.max(m0, v128.load(p));
    m1 = f32x4.max(m1, v128.load(p, 16));
  }
  for (; v + 4 <= count; v += 4) m0 = f32x4.max(m0, v128.load(row + ((<usize>v) << 2)));
  m0 = f32x4.max(m0, m1);
  let m = max(
    max(f32x4.extract_lane(m0, 0), f32x4.extract_lane(m0, 1)),
    max(f32x4.extract_lane(m0, 2), f32x4.extract_lane(m0, 3)),
  );
  for (; v < count; v++) m = max(m, load<f32>(row + ((<usize>v) << 2)));
  return m;
}

/** Σ_v e^(row[v] − shift) over the `count` floats at row, in two 4-lane float32 sums. */
export function rowSumExp(row: usize, count: i32, shift: f32): f32 {
  const s = f32x4.splat(shift);
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let v = 0;
  for (; v + 8 <= count; v += 8) {
    const p = row + ((<usize>v) << 2);
    a0 = f32x4.add(a0, exp4(f32x4.sub(v128.load(p), s)));
    a1 = f32x4.add(a1, exp4(f32x4.sub(v128.load(p, 16), s)));
  }
  for (; v + 4 <= count; v += 4) {
    a0 = f32x4.add(a0, exp4(f32x4.sub(v128.load(row + ((<usize>v) << 2)), s)));
  }
  a0 = f32x4.add(a0, a1);
  let sum =
    f32x4.extract_lane(a0, 0) +
    f32x4.extract_lane(a0, 1) +
    (f32x4.extract_lane(a0, 2) + f32x4.extract_lane(a0, 3));
  for (; v < count; v++) sum += exp1(load<f32>(row + ((<usize>v) << 2)) - shift);
  return sum;
}

/**
 * Forward of one row of `vocab` logits: writes lse = max + log Σ_v e^(logits[v] − max) and
 * returns lse − logits[label] (float64), 0 for a row labelled −100.
 */
function forwardRow(row: usize, y: i32, lse: usize, vocab: i32): f64 {
  const m = rowMax(row, vocab);
  const l = <f64>m + logAtLeastOne(<f64>rowSumExp(row, vocab, m));
  store<f32>(lse, <f32>l);
  return y === IGNORE_INDEX ? 0 : l - <f64>load<f32>(row + ((<usize>y) << 2));
}

/**
 * Backward of one row: logits[v] = scale · (e^(logits[v] − lse) − [v = label]) in place, zeros
 * for a row labelled −100; returns the same loss as the forward (from the lse given).
 */
function backwardRow(row: usize, y: i32, lse: usize, vocab: i32, scale: f32): f64 {
  if (y === IGNORE_INDEX) {
    memory.fill(row, 0, (<usize>vocab) << 2);
    return 0;
  }
  const l = load<f32>(lse);
  const target = row + ((<usize>y) << 2);
  const loss = <f64>l - <f64>load<f32>(target);
  const s = f32x4.splat(l);
  const k = f32x4.splat(scale);
  let v = 0;
  for (; v + 4 <= vocab; v += 4) {
    const p = row + ((<usize>v) << 2);
    v128.store(p, f32x4.mul(exp4(f32x4.sub(v128.load(p), s)), k));
  }
  for (; v < vocab; v++) {
    const p = row + ((<usize>v) << 2);
    store<f32>(p, exp1(load<f32>(p) - l) * scale);
  }
  store<f32>(target, load<f32>(target) - scale);
  return loss;
}

/** The descriptor of a cross-entropy job (job.ts `beginTiles`), past SwiGLU's (swiglu.ts). */
const X: usize = 1024 + 704;

/**
 * Publishes the next cross-entropy job over `rows` rows: the forward (backward 0) or the
 * backward with `scale`; each row's loss (lse − logit at its label, 0 when ignored) goes into
 * losses `[rows]` f64, which the caller sums in row order: the same bits as one thread's sum.
 */
export function setCrossEntropy(
  logits: usize,
  labels: usize,
  lse: usize,
  losses: usize,
  rows: i32,
  vocab: i32,
  rowsPerTile: i32,
  scale: f32,
  backward: i32,
): void {
  store<u32>(X, <u32>logits);
  store<u32>(X, <u32>labels, 4);
  store<u32>(X, <u32>lse, 8);
  store<u32>(X, <u32>losses, 12);
  store<i32>(X, rows, 16);
  store<i32>(X, vocab, 20);
  store<i32>(X, rowsPerTile, 24);
  store<f32>(X, scale, 28);
  store<i32>(X, backward, 32);
}

/** Tiles of the published cross-entropy job. */
export function crossEntropyTiles(): i32 {
  const rowsPerTile = load<i32>(X, 24);
  return (load<i32>(X, 16) + rowsPerTile - 1) / rowsPerTile;
}

/** Runs tile `tile` of the published cross-entropy job: its rows one at a time. */
export function crossEntropyTile(tile: i32): void {
  const logits = <usize>load<u32>(X);
  const labels = <usize>load<u32>(X, 4);
  const lse = <usize>load<u32>(X, 8);
  const losses = <usize>load<u32>(X, 12);
  const rows = load<i32>(X, 16);
  const vocab = load<i32>(X, 20);
  const rowsPerTile = load<i32>(X, 24);
  const scale = load<f32>(X, 28);
  const backward = load<i32>(X, 32) !== 0;
  const r0 = tile * rowsPerTile;
  const r1 = min(r0 + rowsPerTile, rows);
  for (let r = r0; r < r1; r++) {
    const row = logits + ((<usize>r * <usize>vocab) << 2);
    const y = load<i32>(labels + ((<usize>r) << 2));
    const l = lse + ((<usize>r) << 2);
    const loss = backward ? backwardRow(row, y, l, vocab, scale) : forwardRow(row, y, l, vocab);
    store<f64>(losses + ((<usize>r) << 3), loss);
  }
}
