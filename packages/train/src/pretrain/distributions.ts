// Draws from the few distributions the synthetic generators need beyond @kairos/lora's uniform and
// normal: gamma (Marsaglia & Tsang 2000), Dirichlet (normalised gammas), Poisson (Knuth's
// product of uniforms) and Student's t, all from one seeded Random so a series is reproducible.
import type { Random } from "@kairos/lora";

/**
 * Gamma(shape, 1) by Marsaglia & Tsang's squeeze ("A simple method for generating gamma
 * variables", ACM TOMS 2000); shape < 1 through Gamma(shape + 1) · U^(1/shape).
 *
 * @example
 * gamma(new Random(1), 2.5); // > 0, mean 2.5
 */
export function gamma(rng: Random, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gamma(): shape must be positive, got ${shape}`);
  if (shape < 1) return gamma(rng, shape + 1) * (1 - rng.uniform()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.uniform(); // (0, 1]
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return d * v;
  }
}

/**
 * `k` weights from Dirichlet(alpha, …, alpha): non-negative, summing to 1.
 *
 * @example
 * dirichlet(new Random(1), 3, 1.5); // e.g. [0.21, 0.47, 0.32]
 */
export function dirichlet(rng: Random, k: number, alpha: number): number[] {
  if (!Number.isInteger(k) || k <= 0)
    throw new RangeError(`dirichlet(): k must be a positive integer, got ${k}`);
  const g = Array.from({ length: k }, () => gamma(rng, alpha));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((x) => x / sum);
}

/**
 * Poisson(lambda): Knuth's product of uniforms below 30, a rounded normal above (the draws here
 * are counts of jumps and demand sizes, where that approximation is ample).
 *
 * @example
 * poisson(new Random(1), 4); // a non-negative integer, mean 4
 */
export function poisson(rng: Random, lambda: number): number {
  if (!(lambda >= 0)) throw new RangeError(`poisson(): lambda must be non-negative, got ${lambda}`);
  if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.uniform();
  while (p > limit) {
    k++;
    p *= rng.uniform();
  }
  return k;
}

/**
 * Student's t with `dof` degrees of freedom, rescaled to unit variance (dof > 2): heavy-tailed
 * shocks for return series.
 *
 * @example
 * studentT(new Random(1), 5); // variance 1, kurtosis 9
 */
export function studentT(rng: Random, dof: number): number {
  if (!(dof > 2)) throw new RangeError(`studentT(): dof must be greater than 2, got ${dof}`);
  const chi2 = 2 * gamma(rng, dof / 2);
  return (rng.normal() / Math.sqrt(chi2 / dof)) * Math.sqrt((dof - 2) / dof);
}
