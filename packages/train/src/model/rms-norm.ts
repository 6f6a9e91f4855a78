// RMSNorm (Zhang & Sennrich 2019) exactly as Hugging Face's `LlamaRMSNorm` and `T5LayerNorm`:
// y = weight ⊙ x / sqrt(mean(x²) + eps). Training runs it on the backend's fused op
// (`rmsNormForward`/`rmsNormBackward`: SIMD across the workers on wasm), or lora's naive kernel
// for a backend without it; the naive kernels, exported here by their old names, stay for
// float64 gradient checks and the decoding paths.
// Legend: N rows (tokens), C channels.
import { naiveRmsNormBackward, naiveRmsNormForward } from "@kairos/lora";
import type { MatmulBackend } from "./matmul.js";

export { naiveRmsNormBackward as rmsNormBackward, naiveRmsNormForward as rmsNormForward };

/**
 * out[N,C] = weight[C] ⊙ x[N,C] · rstd[N] on `backend`; writes each row's reciprocal RMS into
 * rstd[N] (what the backward needs besides x).
 */
export async function rmsNormForwardOn(
  backend: MatmulBackend,
  out: Float32Array,
  rstd: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  N: number,
  C: number,
  eps: number,
): Promise<void> {
  if (backend.rmsNormForward) await backend.rmsNormForward(out, rstd, x, weight, N, C, eps);
  else naiveRmsNormForward(out, rstd, x, weight, N, C, eps);
}

/**
 * Backward of {@link rmsNormForwardOn} on `backend`: dx[N,C] += ∂L/∂x, and dweight[C] +=
 * ∂L/∂weight when given (summed in an order fixed by the sizes: runs repeat bit for bit).
 */
export async function rmsNormBackwardOn(
  backend: MatmulBackend,
  dx: Float32Array,
  dweight: Float32Array | null,
  dout: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): Promise<void> {
  if (backend.rmsNormBackward) {
    await backend.rmsNormBackward(dx, dweight, dout, x, weight, rstd, N, C);
  } else naiveRmsNormBackward(dx, dweight, dout, x, weight, rstd, N, C);
}
