// RMSNorm (Zhang & Sennrich 2019) exactly as Hugging Face's `LlamaRMSNorm`:
// y = weight ⊙ x / sqrt(mean(x²) + eps), statistics in float32 or better.
// Legend: N rows (tokens), C channels.
import type { Floats } from "./floats.js";

/**
 * out[N,C] = weight[C] ⊙ x[N,C] · rstd[N]; writes the reciprocal RMS of each row into `rstd[N]`
 * (what the backward needs besides `x`).
 */
export function rmsNormForward(
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
 * Backward of {@link rmsNormForward}: dx[N,C] += ∂L/∂x, and dweight[C] += ∂L/∂weight when given.
 * With r = rstd: dx_j = r·w_j·dy_j − r³·x_j/C · Σ_i dy_i·w_i·x_i.
 */
export function rmsNormBackward(
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
