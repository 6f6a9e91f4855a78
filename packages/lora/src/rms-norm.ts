// RMSNorm over rows (Zhang & Sennrich 2019) exactly as Hugging Face's `LlamaRMSNorm` and
// `T5LayerNorm`: y = weight ⊙ x / sqrt(mean(x²) + eps). The naive kernels (statistics in float64)
// are the reference for Backend.rmsNormForward/rmsNormBackward and run on float64 too, for the
// finite-difference checks.
// Legend: N rows (tokens), C channels.
import { checkVector } from "./matmul-shape";

/** A float buffer, row-major: float32 in training, float64 in gradient checks. */
export type Floats = Float32Array | Float64Array;

/**
 * out[N,C] = weight[C] ⊙ x[N,C] · rstd[N]; writes each row's reciprocal RMS into rstd[N] (what
 * the backward needs besides x).
 */
export function naiveRmsNormForward(
  out: Floats,
  rstd: Floats,
  x: Floats,
  weight: Floats,
  N: number,
  C: number,
  eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[o + c] * x[o + c];
    const r = 1 / Math.sqrt(ss / C + eps);
    rstd[n] = r;
    for (let c = 0; c < C; c++) out[o + c] = weight[c] * (x[o + c] * r);
  }
}

/**
 * Backward of {@link naiveRmsNormForward}: dx[N,C] += ∂L/∂x, and dweight[C] += ∂L/∂weight when
 * given. With r = rstd: dx_j = r·w_j·dy_j − r³·x_j/C · Σ_i dy_i·w_i·x_i.
 */
export function naiveRmsNormBackward(
  dx: Floats,
  dweight: Floats | null,
  dout: Floats,
  x: Floats,
  weight: Floats,
  rstd: Floats,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const r = rstd[n];
    let dot = 0;
    for (let c = 0; c < C; c++) dot += dout[o + c] * weight[c] * x[o + c];
    const k = (r * r * r * dot) / C;
    for (let c = 0; c < C; c++) {
      dx[o + c] += r * weight[c] * dout[o + c] - k * x[o + c];
      if (dweight) dweight[c] += dout[o + c] * x[o + c] * r;
    }
  }
}

/** Throws a RangeError naming the first operand of an RMSNorm call that is too short. */
export function checkRmsNorm(
  fn: string,
  rows: number,
  cols: number,
  operands: Record<string, Float32Array | null>,
): void {
  for (const [name, size] of [
    ["rows", rows],
    ["cols", cols],
  ] as const) {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${size}`);
    }
  }
  for (const [name, array] of Object.entries(operands)) {
    if (array === null) continue;
    const length =
      name === "rstd" ? rows : name === "weight" || name === "dweight" ? cols : rows * cols;
    checkVector(fn, name, array, length);
  }
}
