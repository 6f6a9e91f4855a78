// TSMixup (Ansari et al. 2024, "Chronos", §4.1 and Algorithm 1): a convex combination of k
// series, each first divided by its mean absolute value so no one dominates by scale, with
// weights from a symmetric Dirichlet(α) (Chronos: k ≤ 3, α = 1.5).
import type { Random } from "@kairos/lora";
import { dirichlet } from "./distributions.js";

/**
 * Mixes same-length `components` with Dirichlet(`alpha`) weights after mean scaling each.
 *
 * @example
 * tsMixup(new Random(1), [randomWalk(rng, 256), pricePath(rng, 256)]); // Float64Array(256)
 */
export function tsMixup(rng: Random, components: Float64Array[], alpha = 1.5): Float64Array {
  if (components.length === 0)
    throw new RangeError("tsMixup(): components must hold at least one series, got none");
  const n = components[0].length;
  for (const [i, c] of components.entries()) {
    if (c.length !== n) {
      throw new RangeError(
        `tsMixup(): components[${i}] must have length ${n} like components[0], got ${c.length}`,
      );
    }
  }
  const weights = dirichlet(rng, components.length, alpha);
  const out = new Float64Array(n);
  components.forEach((c, k) => {
    let meanAbs = 0;
    for (const v of c) meanAbs += Math.abs(v) / n;
    const w = weights[k] / (meanAbs > 0 ? meanAbs : 1);
    for (let i = 0; i < n; i++) out[i] += w * c[i];
  });
  return out;
}
