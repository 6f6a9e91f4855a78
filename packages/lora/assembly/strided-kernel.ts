// The matmul microkernels that read a in place through its two byte strides (no packing), for
// jobs of a single 8-column panel (n ≤ 8: the rank-sized products of a LoRA step), where each
// row of a is used once and packing it would only add a pass over it: a 4×8 block of the output
// in eight registers, and 1×8 for the rows left over.
// Legend: rows of op(a) (rsA bytes apart, csA bytes between steps) times one panel of 8 columns
// of op(b) (rows ldb bytes apart), kc steps of the shared dimension.
import { madd, storeRow } from "./microkernel";

/** Rows of kernel4x8. */
export const MR_STRIDED: i32 = 4;

/** out[4 rows, 8 cols] (+)= alpha · Σ_p a[row, p] · b[p, col], p < kc. */
export function kernel4x8(
  a: usize,
  rsA: usize,
  csA: usize,
  b: usize,
  ldb: usize,
  c: usize,
  ldc: usize,
  kc: i32,
  alpha: f32,
  accumulate: bool,
  nvalid: i32,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  const r2 = rsA << 1,
    r3 = rsA * 3;
  let pa = a,
    pb = b;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa + rsA);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa + r2);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa + r3);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    pa += csA;
    pb += ldb;
  }
  const va = f32x4.splat(alpha);
  storeRow(c, c00, c01, va, accumulate, nvalid);
  storeRow(c + ldc, c10, c11, va, accumulate, nvalid);
  storeRow(c + (ldc << 1), c20, c21, va, accumulate, nvalid);
  storeRow(c + ldc * 3, c30, c31, va, accumulate, nvalid);
}

/** out[1 row, 8 cols] (+)= alpha · Σ_p a[row, p] · b[p, col]: the rows left over after the 4×8 blocks. */
export function kernel1x8(
  a: usize,
  csA: usize,
  b: usize,
  ldb: usize,
  c: usize,
  kc: i32,
  alpha: f32,
  accumulate: bool,
  nvalid: i32,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let pa = a,
    pb = b;
  for (let p = 0; p < kc; p++) {
    const av = v128.load32_splat(pa);
    c00 = madd(av, v128.load(pb), c00);
    c01 = madd(av, v128.load(pb, 16), c01);
    pa += csA;
    pb += ldb;
  }
  storeRow(c, c00, c01, f32x4.splat(alpha), accumulate, nvalid);
}
