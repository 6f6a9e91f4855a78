// A naive triple-loop matmul (float64 accumulation) as an independent test backend.
import type { MatmulBackend, MatmulShape } from "../../src/model/matmul.js";

export const naiveBackend: MatmulBackend = {
  name: "naive",
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, s: MatmulShape): void {
    const { m, n, k } = s;
    const alpha = s.alpha ?? 1;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = s.transposeA ? a[p * m + i] : a[i * k + p];
          const bv = s.transposeB ? b[j * k + p] : b[p * n + j];
          acc += av * bv;
        }
        out[i * n + j] = (s.accumulate ? out[i * n + j] : 0) + alpha * acc;
      }
    }
  },
};
