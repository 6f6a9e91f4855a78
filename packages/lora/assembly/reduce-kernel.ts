// Rank-K reductions over rows, taken along the way by the tiles of a LoRA backward's frozen
// matmul (see setReductions in job.ts): acc[c, ·] += Σ_r a[r, c] · v[r, ·], with v the tile's
// rows of a rank-K operand padded to 8 lanes. Four columns of a at a time keep their 4×8 sums
// in eight registers while the tile's rows stream past (a splat of a[r, c] times v[r]'s two
// vectors per column), so acc is read and written once per tile instead of once per row.
// Legend: r < rows of the tile, c < cols of a (a[r, c] at a + r·rs + c·cs), 8 lanes of v.
import { madd } from "./microkernel";

/** acc `[4][8]` += Σ_r a[r, c]·v[r] for the four columns c at a, a + cs, a + 2cs, a + 3cs. */
function reduce4x8(a: usize, rs: usize, cs: usize, rows: i32, v: usize, acc: usize): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  const cs2 = cs << 1;
  const cs3 = cs2 + cs;
  let pa = a;
  let pv = v;
  const end = v + ((<usize>rows) << 5);
  while (pv < end) {
    const v0 = v128.load(pv);
    const v1 = v128.load(pv, 16);
    let s = v128.load32_splat(pa);
    c00 = madd(s, v0, c00);
    c01 = madd(s, v1, c01);
    s = v128.load32_splat(pa + cs);
    c10 = madd(s, v0, c10);
    c11 = madd(s, v1, c11);
    s = v128.load32_splat(pa + cs2);
    c20 = madd(s, v0, c20);
    c21 = madd(s, v1, c21);
    s = v128.load32_splat(pa + cs3);
    c30 = madd(s, v0, c30);
    c31 = madd(s, v1, c31);
    pa += rs;
    pv += 32;
  }
  v128.store(acc, f32x4.add(v128.load(acc), c00));
  v128.store(acc, f32x4.add(v128.load(acc, 16), c01), 16);
  v128.store(acc, f32x4.add(v128.load(acc, 32), c10), 32);
  v128.store(acc, f32x4.add(v128.load(acc, 48), c11), 48);
  v128.store(acc, f32x4.add(v128.load(acc, 64), c20), 64);
  v128.store(acc, f32x4.add(v128.load(acc, 80), c21), 80);
  v128.store(acc, f32x4.add(v128.load(acc, 96), c30), 96);
  v128.store(acc, f32x4.add(v128.load(acc, 112), c31), 112);
}

/** acc `[8]` += Σ_r a[r]·v[r] for the one column at a. */
function reduce1x8(a: usize, rs: usize, rows: i32, v: usize, acc: usize): void {
  let lo = f32x4.splat(0);
  let hi = f32x4.splat(0);
  let pa = a;
  for (let r = 0; r < rows; r++) {
    const s = v128.load32_splat(pa);
    const pv = v + ((<usize>r) << 5);
    lo = madd(s, v128.load(pv), lo);
    hi = madd(s, v128.load(pv, 16), hi);
    pa += rs;
  }
  v128.store(acc, f32x4.add(v128.load(acc), lo));
  v128.store(acc, f32x4.add(v128.load(acc, 16), hi), 16);
}

/** acc `[cols][8]` += Σ_r a[r, c]·v[r] over the tile's rows (v `[rows][8]`, 32-byte rows). */
export function reduceColumns(
  a: usize,
  rs: usize,
  cs: usize,
  cols: i32,
  rows: i32,
  v: usize,
  acc: usize,
): void {
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    reduce4x8(a + <usize>c * cs, rs, cs, rows, v, acc + ((<usize>c) << 5));
  }
  for (; c < cols; c++) reduce1x8(a + <usize>c * cs, rs, rows, v, acc + ((<usize>c) << 5));
}

/** dst `[5][8]` = alpha · acc `[5][8]` (a kernel5x8 block kept whole, padding lanes included). */
export function scaleBlock(acc: usize, alpha: f32, dst: usize): void {
  const va = f32x4.splat(alpha);
  for (let i: usize = 0; i < 160; i += 16) v128.store(dst + i, f32x4.mul(v128.load(acc + i), va));
}
