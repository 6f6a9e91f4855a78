// Cache-blocked, register-tiled matmul in plain TypeScript: the reference backend's fast path.
// Every operand is brought to "rows contiguous along K" (a row of op(a), a column of op(b)),
// either in place (a `[M,K]`, b `[N,K]`) or by packing one block into a scratch panel
// (GotoBLAS-style), then a 4×4 micro-kernel keeps 16 sums in registers while it walks K:
// 8 loads for 32 flops. Checked against `naiveMatmul` by the conformance suite.
// Legend: M, N, K matmul dimensions; KC, NC block sizes along K and N.
import type { MatmulShape } from "./backend";

/** Block along K: a 4-row strip of each operand (4 · KC floats) stays in L1. */
const KC = 128;
/** Block along N: the op(b) panel (NC · KC floats = 32 KiB) stays in L1/L2 across all of M. */
const NC = 64;

/** A matrix seen as rows contiguous along K: row r of the block starts at `offset + r · stride`. */
interface Strided {
  data: Float32Array;
  offset: number;
  stride: number;
}

/**
 * Blocked matmul with its packing scratch (at most (KC · NC) + (KC · M) floats, reused across calls).
 *
 * @example
 * const mm = new TiledMatmul();
 * mm.run(x, w, y, { m: rows, n: out, k: inF, transposeB: true }); // y = x · wᵀ
 */
export class TiledMatmul {
  private packA = new Float32Array(0);
  private packB = new Float32Array(0);

  /** out[M,N] (+)= alpha · op(a) · op(b); arguments already validated. */
  run(a: Float32Array, b: Float32Array, out: Float32Array, shape: MatmulShape): void {
    const { m, n, k, transposeA = false, transposeB = false, accumulate = false } = shape;
    const alpha = shape.alpha ?? 1;
    if (!accumulate) out.fill(0, 0, m * n);
    if (k === 0 || m === 0 || n === 0 || alpha === 0) return;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        // op(b) columns jc..jc+nc over pc..pc+kc: b `[N,K]` already fits, b `[K,N]` is packed.
        const bs: Strided = transposeB
          ? { data: b, offset: jc * k + pc, stride: k }
          : this.packColumns(b, n, pc, kc, jc, nc, "B");
        // op(a) rows 0..m over pc..pc+kc: a `[M,K]` already fits, a `[K,M]` is packed.
        const as: Strided = transposeA
          ? this.packColumns(a, m, pc, kc, 0, m, "A")
          : { data: a, offset: pc, stride: k };
        block(as, bs, out, m, nc, kc, n, jc, alpha);
      }
    }
  }

  /** Copy columns c0..c0+cols, rows r0..r0+rows of a row-major `[*, width]` matrix, transposed. */
  private packColumns(
    src: Float32Array,
    width: number,
    r0: number,
    rows: number,
    c0: number,
    cols: number,
    which: "A" | "B",
  ): Strided {
    let dst = which === "A" ? this.packA : this.packB;
    if (dst.length < rows * cols) {
      dst = new Float32Array(rows * cols);
      if (which === "A") this.packA = dst;
      else this.packB = dst;
    }
    for (let r = 0; r < rows; r++) {
      const s = (r0 + r) * width + c0;
      for (let c = 0; c < cols; c++) dst[c * rows + r] = src[s + c];
    }
    return { data: dst, offset: 0, stride: rows };
  }
}

/** out[0..m, jc..jc+nc] += alpha · Σ_p A[i, p] · B[j, p] over one K block of length kc. */
function block(
  as: Strided,
  bs: Strided,
  out: Float32Array,
  m: number,
  nc: number,
  kc: number,
  n: number,
  jc: number,
  alpha: number,
): void {
  const A = as.data;
  const B = bs.data;
  const m4 = m - (m % 4);
  const n4 = nc - (nc % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = as.offset + i * as.stride;
    const a1 = a0 + as.stride;
    const a2 = a1 + as.stride;
    const a3 = a2 + as.stride;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bs.offset + j * bs.stride;
      const b1 = b0 + bs.stride;
      const b2 = b1 + bs.stride;
      const b3 = b2 + bs.stride;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = 0; p < kc; p++) {
        const x0 = A[a0 + p],
          x1 = A[a1 + p],
          x2 = A[a2 + p],
          x3 = A[a3 + p];
        const y0 = B[b0 + p],
          y1 = B[b1 + p],
          y2 = B[b2 + p],
          y3 = B[b3 + p];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      const o = i * n + jc + j;
      out[o] += alpha * c00;
      out[o + 1] += alpha * c01;
      out[o + 2] += alpha * c02;
      out[o + 3] += alpha * c03;
      const o1 = o + n;
      out[o1] += alpha * c10;
      out[o1 + 1] += alpha * c11;
      out[o1 + 2] += alpha * c12;
      out[o1 + 3] += alpha * c13;
      const o2 = o1 + n;
      out[o2] += alpha * c20;
      out[o2 + 1] += alpha * c21;
      out[o2 + 2] += alpha * c22;
      out[o2 + 3] += alpha * c23;
      const o3 = o2 + n;
      out[o3] += alpha * c30;
      out[o3 + 1] += alpha * c31;
      out[o3 + 2] += alpha * c32;
      out[o3 + 3] += alpha * c33;
    }
  }
  // Edges: rows past m4 (all columns) and columns past n4 (rows below m4), one dot at a time.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < nc; j++) {
      const ai = as.offset + i * as.stride;
      const bj = bs.offset + j * bs.stride;
      let sum = 0;
      for (let p = 0; p < kc; p++) sum += A[ai + p] * B[bj + p];
      out[i * n + jc + j] += alpha * sum;
    }
  }
}
