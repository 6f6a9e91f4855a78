// A box-bounded Nelder–Mead minimiser for the few smoothing parameters of an ETS fit: the simplex
// method of Nelder & Mead (1965) with the standard coefficients (reflect 1, expand 2, contract
// ½, shrink ½) as in Gao & Han (2012) for low dimensions, every trial point projected onto the
// box, and restarted from its own best point until a restart no longer improves (a collapsed
// simplex is the method's known failure). No randomness: the same inputs give the same answer.

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Lower bounds, one per coordinate. */
  lower: readonly number[];
  /** Upper bounds, one per coordinate (> lower). */
  upper: readonly number[];
  /** Most objective evaluations over all restarts (default 2000 per coordinate). */
  maxEvaluations?: number;
  /** Stop when the simplex's values differ by at most this, relatively (default 1e-12). */
  tolerance?: number;
}

/** Best point found and its value. */
export interface NelderMeadResult {
  x: Float64Array;
  value: number;
  evaluations: number;
}

const clampTo = (x: Float64Array, lo: readonly number[], hi: readonly number[]) => {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(hi[i], Math.max(lo[i], x[i]));
  return x;
};

/**
 * Minimises `f` over the box [lower, upper] from `start` (projected onto the box).
 *
 * @example
 * nelderMead(([a, b]) => (a - 0.3) ** 2 + (b - 0.7) ** 2, [0.5, 0.5], { lower: [0, 0], upper: [1, 1] }).x;
 * // ≈ Float64Array [0.3, 0.7]
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: readonly number[],
  options: NelderMeadOptions,
): NelderMeadResult {
  const { lower, upper, tolerance = 1e-12 } = options;
  const d = start.length;
  const maxEvaluations = options.maxEvaluations ?? 2000 * d;
  let evaluations = 0;
  const value = (x: Float64Array) => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  let best = clampTo(Float64Array.from(start), lower, upper);
  let bestValue = value(best);
  for (let restart = 0; restart < 20 && evaluations < maxEvaluations; restart++) {
    const run = simplexRun(
      value,
      best,
      lower,
      upper,
      tolerance,
      () => evaluations < maxEvaluations,
    );
    const improved = run.value < bestValue - tolerance * Math.abs(bestValue);
    if (run.value < bestValue) {
      best = run.x;
      bestValue = run.value;
    }
    if (!improved && restart > 0) break;
  }
  return { x: best, value: bestValue, evaluations };
}

/** One Nelder–Mead run from a simplex built around `x0` (steps of 10 % of each range, inward). */
function simplexRun(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  lo: readonly number[],
  hi: readonly number[],
  tolerance: number,
  budgetLeft: () => boolean,
): { x: Float64Array; value: number } {
  const d = x0.length;
  const points: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < d; i++) {
    const p = Float64Array.from(x0);
    const step = 0.1 * (hi[i] - lo[i]);
    p[i] = p[i] + step <= hi[i] ? p[i] + step : p[i] - step;
    points.push(clampTo(p, lo, hi));
  }
  const values = points.map(f);
  const centroid = new Float64Array(d);
  const along = (t: number, worst: Float64Array) => {
    const p = new Float64Array(d);
    for (let i = 0; i < d; i++) p[i] = centroid[i] + t * (worst[i] - centroid[i]);
    return clampTo(p, lo, hi);
  };
  while (budgetLeft()) {
    // Order best → worst; ties keep their order, so runs are reproducible.
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
    const sortedP = order.map((i) => points[i]);
    const sortedV = order.map((i) => values[i]);
    points.splice(0, points.length, ...sortedP);
    values.splice(0, values.length, ...sortedV);
    const spread = values[d] - values[0];
    if (!(spread > tolerance * (Math.abs(values[0]) + 1e-300))) break;
    let size = 0;
    for (let k = 1; k <= d; k++)
      for (let i = 0; i < d; i++)
        size = Math.max(size, Math.abs(points[k][i] - points[0][i]) / (hi[i] - lo[i]));
    if (size < 1e-10) break;
    centroid.fill(0);
    for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) centroid[i] += points[k][i] / d;
    const worst = points[d];
    const r = along(-1, worst);
    const fr = f(r);
    if (fr < values[0]) {
      const e = along(-2, worst);
      const fe = f(e);
      [points[d], values[d]] = fe < fr ? [e, fe] : [r, fr];
    } else if (fr < values[d - 1]) {
      [points[d], values[d]] = [r, fr];
    } else {
      // Outside contraction when the reflection beat the worst, inside otherwise.
      const c = fr < values[d] ? along(-0.5, worst) : along(0.5, worst);
      const fc = f(c);
      if (fc < Math.min(fr, values[d])) {
        [points[d], values[d]] = [c, fc];
      } else {
        for (let k = 1; k <= d; k++) {
          for (let i = 0; i < d; i++)
            points[k][i] = points[0][i] + 0.5 * (points[k][i] - points[0][i]);
          values[k] = f(points[k]);
        }
      }
    }
  }
  let b = 0;
  for (let k = 1; k <= d; k++) if (values[k] < values[b]) b = k;
  return { x: points[b], value: values[b] };
}
