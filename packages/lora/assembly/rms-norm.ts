// RMSNorm over rows (Backend.rmsNormForward/rmsNormBackward) as tiles of a job (job.ts): a tile
// is a fixed block of rows, so the split depends on the sizes only. The backward's weight
// gradient goes per tile into its own row of partials, which the caller then sums in tile order
// (elementwise.ts `sumRows`): the same bits whichever thread ran which tile. 4 lanes of C a step;
// sums of squares and dots in float32 lanes, rstd in float64 as the naive kernel
// (src/rms-norm.ts, the semantics).
// Legend: N rows, C channels; x, out, dOut, dx `[N, C]`, weight `[C]`, rstd `[N]`, partials
// `[tiles, C]`; pointers are byte addresses in linear memory.
import { at } from "./row-vectors";

/** The descriptor: 4 bytes a field, in job.ts's block below the arena (past attention's). */
const R: usize = 1024 + 512;

/**
 * Publishes the next RMSNorm job (job.ts `beginTiles`): o is out (forward) or dOut (backward);
 * dx and partials 0 in the forward, partials 0 when no weight gradient is asked.
 */
export function setRmsNorm(
  x: usize,
  weight: usize,
  rstd: usize,
  o: usize,
  dx: usize,
  partials: usize,
  N: i32,
  C: i32,
  rowsPerTile: i32,
  eps: f64,
): void {
  store<u32>(R, <u32>x);
  store<u32>(R, <u32>weight, 4);
  store<u32>(R, <u32>rstd, 8);
  store<u32>(R, <u32>o, 12);
  store<u32>(R, <u32>dx, 16);
  store<u32>(R, <u32>partials, 20);
  store<i32>(R, N, 24);
  store<i32>(R, C, 28);
  store<i32>(R, rowsPerTile, 32);
  store<f64>(R, eps, 40);
}

/** Tiles of the published RMSNorm job. */
export function rmsNormTiles(): i32 {
  const rowsPerTile = load<i32>(R, 32);
  return (load<i32>(R, 24) + rowsPerTile - 1) / rowsPerTile;
}

/** Σ_c a[c]·b[c]·w[c] over C floats (w = 0: Σ a·b). */
function dot3(a: usize, b: usize, w: usize, C: i32): f32 {
  let acc = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    let t = f32x4.mul(v128.load(at(a, c)), v128.load(at(b, c)));
    if (w !== 0) t = f32x4.mul(t, v128.load(at(w, c)));
    acc = f32x4.add(acc, t);
  }
  let s =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; c < C; c++) {
    let t = load<f32>(at(a, c)) * load<f32>(at(b, c));
    if (w !== 0) t *= load<f32>(at(w, c));
    s += t;
  }
  return s;
}

/** One row of the forward: out = w ⊙ x · r, returns r. */
function forwardRow(x: usize, w: usize, out: usize, C: i32, eps: f64): f32 {
  const r = <f32>(1 / Math.sqrt(<f64>dot3(x, x, 0, C) / <f64>C + eps));
  const vr = f32x4.splat(r);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    v128.store(at(out, c), f32x4.mul(v128.load(at(w, c)), f32x4.mul(v128.load(at(x, c)), vr)));
  }
  for (; c < C; c++) store<f32>(at(out, c), load<f32>(at(w, c)) * (load<f32>(at(x, c)) * r));
  return r;
}

/** One row of the backward: dx += r·w·dy − k·x, k = r³·Σ dy·w·x / C; dw += dy·x·r (dw ≠ 0). */
function backwardRow(x: usize, w: usize, dy: usize, dx: usize, dw: usize, r: f32, C: i32): void {
  const k = <f32>((<f64>r * <f64>r * <f64>r * <f64>dot3(dy, w, x, C)) / <f64>C);
  const vr = f32x4.splat(r);
  const vk = f32x4.splat(k);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const vx = v128.load(at(x, c));
    const vdy = v128.load(at(dy, c));
    const g = f32x4.sub(f32x4.mul(f32x4.mul(vr, v128.load(at(w, c))), vdy), f32x4.mul(vk, vx));
    v128.store(at(dx, c), f32x4.add(v128.load(at(dx, c)), g));
    if (dw !== 0) {
      const p = f32x4.mul(f32x4.mul(vdy, vx), vr);
      v128.store(at(dw, c), f32x4.add(v128.load(at(dw, c)), p));
    }
  }
  for (; c < C; c++) {
    const xc = load<f32>(at(x, c));
    const dyc = load<f32>(at(dy, c));
    store<f32>(at(dx, c), load<f32>(at(dx, c)) + (r * load<f32>(at(w, c)) * dyc - k * xc));
    if (dw !== 0) store<f32>(at(dw, c), load<f32>(at(dw, c)) + dyc * xc * r);
  }
}

/** Runs tile `tile` of the published RMSNorm job. */
export function rmsNormTile(tile: i32): void {
  const x = <usize>load<u32>(R);
  const w = <usize>load<u32>(R, 4);
  const rstd = <usize>load<u32>(R, 8);
  const o = <usize>load<u32>(R, 12);
  const dx = <usize>load<u32>(R, 16);
  const partials = <usize>load<u32>(R, 20);
  const N = load<i32>(R, 24);
  const C = load<i32>(R, 28);
  const rowsPerTile = load<i32>(R, 32);
  const eps = load<f64>(R, 40);
  const n0 = tile * rowsPerTile;
  const n1 = min(n0 + rowsPerTile, N);
  const rowBytes = (<usize>C) << 2;
  if (dx === 0) {
    for (let n = n0; n < n1; n++) {
      const row = <usize>n * rowBytes;
      store<f32>(at(rstd, n), forwardRow(x + row, w, o + row, C, eps));
    }
    return;
  }
  const dw: usize = partials !== 0 ? partials + <usize>tile * rowBytes : 0;
  if (dw !== 0) memory.fill(dw, 0, rowBytes);
  for (let n = n0; n < n1; n++) {
    const row = <usize>n * rowBytes;
    backwardRow(x + row, w, o + row, dx + row, dw, load<f32>(at(rstd, n)), C);
  }
}
