// A plain matmul over explicit strides through the microkernel, for kernels that multiply
// inside a tile of their own job (attention-blocked.ts) rather than as a job of matmul tiles
// (job.ts's matmulBlock, whose output rows are always n floats apart).
// Legend: c[m, n] (+)= alpha · op(a)[m, k] · op(b)[k, n]; a's element (i, p) at a + i·rsA + p·csA;
// b read 8 columns at a time: columns j … j+7 of step p at b + (j/8)·panelStride + p·ldb (plain
// rows: panelStride 32, ldb the row stride; packed panels `[·][k][8]`: ldb 32); c's rows ldc
// bytes apart. Pointers are byte addresses in linear memory.
import { kernel5x8, kernel5x8Add, MR, packA, storeBlock } from "./microkernel";

/** Steps of the shared dimension a block packs (its panel of b, KC × 8 floats, stays in L1). */
const KC: i32 = 512;
/** Rows of a packed at a time. */
export const GEMM_ROWS: i32 = 40;
/** Floats of the buffer `gemm` packs into: GEMM_ROWS rows × KC steps, then a 5×8 block. */
export const GEMM_PACK_FLOATS: i32 = GEMM_ROWS * KC + MR * 8;

/**
 * c[m, n] = alpha · op(a)·op(b), or += with accumulate (see the legend). b is read 8 columns
 * at a time, so it must hold readable floats up to n rounded up to 8 (lanes past n are not
 * stored). k = 0 writes nothing.
 */
export function gemm(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  rsA: usize,
  csA: usize,
  b: usize,
  ldb: usize,
  panelStride: usize,
  c: usize,
  ldc: usize,
  alpha: f32,
  accumulate: bool,
  pack: usize,
): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const add = accumulate || p0 > 0;
    const panelBytes = <usize>kc * <usize>(MR << 2);
    const acc = pack + <usize>(GEMM_ROWS * KC) * 4;
    for (let i0 = 0; i0 < m; i0 += GEMM_ROWS) {
      const i1 = min(i0 + GEMM_ROWS, m);
      packA(a + <usize>i0 * rsA + <usize>p0 * csA, rsA, csA, i1 - i0, kc, pack, panelBytes);
      for (let j = 0; j < n; j += 8) {
        const nvalid = min(8, n - j);
        const panel = b + <usize>(j >> 3) * panelStride + <usize>p0 * ldb;
        let pa = pack;
        for (let i = i0; i < i1; i += MR) {
          const cij = c + <usize>i * ldc + ((<usize>j) << 2);
          // A whole block at alpha 1 goes straight to c; others through the scratch block.
          if (alpha === 1 && nvalid === 8 && i + MR <= i1) {
            if (add) kernel5x8Add(pa, panel, ldb, kc, cij, ldc);
            else kernel5x8(pa, panel, ldb, kc, cij, ldc);
          } else {
            kernel5x8(pa, panel, ldb, kc, acc, 32);
            storeBlock(acc, cij, ldc, alpha, add, min(MR, i1 - i), nvalid);
          }
          pa += panelBytes;
        }
      }
    }
  }
}
