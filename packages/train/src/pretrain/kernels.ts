// Gaussian-process kernels of KernelSynth (Ansari et al. 2024, "Chronos", App. A), over inputs
// scaled to [0, 1]: linear (DotProduct), periodic (ExpSineSquared), RBF, rational quadratic,
// white noise, and their sums and products. A kernel is a function of two inputs.
import type { Random } from "@kairos/lora";

/** k(x, y) over x, y in [0, 1]; `white` adds its variance on the diagonal only. */
export type Kernel = (x: number, y: number) => number;

/** Periods (in steps) of the periodic kernels: hourly, daily, weekly, monthly, yearly rhythms. */
export const PERIODS = [4, 6, 7, 12, 14, 24, 30, 48, 52, 60, 96, 168, 365];

/** `sigma0² + x·y` (scikit-learn DotProduct). */
export const linear =
  (sigma0: number): Kernel =>
  (x, y) =>
    sigma0 * sigma0 + x * y;

/** `exp(−2 sin²(π|x−y|/p) / ℓ²)` (ExpSineSquared), p a fraction of the series. */
export const periodic =
  (period: number, lengthScale: number): Kernel =>
  (x, y) =>
    Math.exp(
      (-2 * Math.sin((Math.PI * Math.abs(x - y)) / period) ** 2) / (lengthScale * lengthScale),
    );

/** `exp(−|x−y|² / 2ℓ²)`. */
export const rbf =
  (lengthScale: number): Kernel =>
  (x, y) =>
    Math.exp(-((x - y) ** 2) / (2 * lengthScale * lengthScale));

/** `(1 + |x−y|² / 2αℓ²)^−α`. */
export const rationalQuadratic =
  (alpha: number, lengthScale: number): Kernel =>
  (x, y) =>
    (1 + (x - y) ** 2 / (2 * alpha * lengthScale * lengthScale)) ** -alpha;

/** σ² on the diagonal. */
export const white =
  (noise: number): Kernel =>
  (x, y) =>
    x === y ? noise : 0;

/** A random kernel from the bank for a series of `length` steps (as KernelSynth's `kernel_bank`). */
export function randomKernel(rng: Random, length: number): Kernel {
  const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)];
  switch (rng.int(6)) {
    case 0:
      return linear(pick([0, 1, 10]));
    case 1:
    case 2: // periodic kernels weigh double: seasonality is the common case
      return periodic(pick(PERIODS) / length, pick([0.5, 1, 2]));
    case 3:
      return rbf(pick([0.1, 1, 10]));
    case 4:
      return rationalQuadratic(pick([0.1, 1, 10]), pick([0.1, 1]));
    default:
      return white(pick([0.1, 1]));
  }
}

/** Up to `maxKernels` bank kernels combined at random by + and × (KernelSynth). */
export function composeKernel(rng: Random, length: number, maxKernels = 5): Kernel {
  const n = 1 + rng.int(maxKernels);
  let k = randomKernel(rng, length);
  for (let i = 1; i < n; i++) {
    const a = k;
    const b = randomKernel(rng, length);
    k = rng.uniform() < 0.5 ? (x, y) => a(x, y) + b(x, y) : (x, y) => a(x, y) * b(x, y);
  }
  return k;
}

/** One draw from GP(0, k) at `length` evenly spaced points in [0, 1] (Cholesky with jitter). */
export function sampleGaussianProcess(rng: Random, k: Kernel, length: number): Float64Array {
  const n = length;
  const L = new Float64Array(n * n);
  const xs = Array.from({ length: n }, (_, i) => (n === 1 ? 0 : i / (n - 1)));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) L[i * n + j] = k(xs[i], xs[j]) + (i === j ? 1e-6 : 0);
  for (let j = 0; j < n; j++) {
    let d = L[j * n + j];
    for (let p = 0; p < j; p++) d -= L[j * n + p] * L[j * n + p];
    const djj = Math.sqrt(Math.max(d, 1e-10));
    L[j * n + j] = djj;
    for (let i = j + 1; i < n; i++) {
      let s = L[i * n + j];
      for (let p = 0; p < j; p++) s -= L[i * n + p] * L[j * n + p];
      L[i * n + j] = s / djj;
    }
  }
  const z = Array.from({ length: n }, () => rng.normal());
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += L[i * n + j] * z[j];
    out[i] = s;
  }
  return out;
}
