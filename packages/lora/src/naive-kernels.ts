// The clear, naive kernels: one loop nest per `Backend` method, written for obviousness, not
// speed (llm.c `matmul_forward_naive`). The conformance suite checks every backend against
// them; the reference backend uses the elementwise ones directly and a blocked matmul.
// Legend: M, N, K matmul dimensions; R rows, C columns; buffers row-major.
import type { MatmulShape } from "./backend";

/**
 * out[M,N] (+)= alpha · op(a)[M,K] · op(b)[K,N], summed in float64, one output at a time.
 *
 * @example
 * naiveMatmul(a, w, y, { m: rows, n: out, k: inF, transposeB: true }); // y = a · wᵀ
 */
export function naiveMatmul(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  shape: MatmulShape,
): void {
  const { m, n, k, transposeA = false, transposeB = false, accumulate = false } = shape;
  const alpha = shape.alpha ?? 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const aip = transposeA ? a[p * m + i] : a[i * k + p]; // a: [K,M] or [M,K]
        const bpj = transposeB ? b[j * k + p] : b[p * n + j]; // b: [N,K] or [K,N]
        sum += aip * bpj;
      }
      out[i * n + j] = (accumulate ? out[i * n + j] : 0) + alpha * sum;
    }
  }
}

/** x[r, c] += bias[c] for x `[R, C]`, in place. */
export function naiveAddBias(
  x: Float32Array,
  bias: Float32Array,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[r * cols + c] += bias[c];
  }
}

/** out[c] (+)= Σ_r x[r, c] for x `[R, C]`, summed in float64. */
export function naiveSumRows(
  x: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
  accumulate = false,
): void {
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * cols + c];
    out[c] = (accumulate ? out[c] : 0) + sum;
  }
}

/** y[i] += alpha · x[i] for i < y.length. */
export function naiveAxpy(alpha: number, x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** out[i] = a[i] · b[i] for i < out.length. */
export function naiveMul(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i];
}

/** out[i] = alpha · x[i] for i < out.length. */
export function naiveScale(x: Float32Array, alpha: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * x[i];
}
