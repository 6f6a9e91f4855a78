// Piecewise-linear trends: a continuous line whose slope changes at random breakpoints (as
// Prophet's trend, Taylor & Letham 2018), plus AR(1) noise. Forecasting past the last
// breakpoint is the lesson: recent slope, not the whole history's.
import type { Random } from "@kairos/lora";
import { ar1Noise } from "./ar1-noise.js";

/** Options of {@link changepointTrend}. */
export interface ChangepointTrendOptions {
  /** Slope changes (default 1–5 at random). */
  breakpoints?: number;
  /** Noise standard deviation relative to the trend's range (default 0.01–0.15 at random). */
  noise?: number;
}

/**
 * A continuous piecewise-linear trend through `breakpoints` random interior steps, each
 * segment's slope N(0, 1)/length apart from the last, plus AR(1) noise.
 *
 * @example
 * changepointTrend(new Random(1), 256, { breakpoints: 3, noise: 0 }); // 4 straight segments
 */
export function changepointTrend(
  rng: Random,
  length: number,
  options: ChangepointTrendOptions = {},
): Float64Array {
  const n = length;
  const k = options.breakpoints ?? 1 + rng.int(5);
  if (!Number.isInteger(k) || k < 0)
    throw new RangeError(
      `changepointTrend(): breakpoints must be a non-negative integer, got ${k}`,
    );
  const at = Array.from({ length: k }, () => 1 + rng.int(Math.max(1, n - 2))).sort((a, b) => a - b);
  let slope = (rng.normal() * 2) / n;
  const out = new Float64Array(n);
  let next = 0;
  for (let i = 1; i < n; i++) {
    while (next < k && at[next] === i) {
      slope += (rng.normal() * 3) / n;
      next++;
    }
    out[i] = out[i - 1] + slope;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of out) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const noise = options.noise ?? 0.01 + rng.uniform() * 0.14;
  if (noise > 0) {
    const e = ar1Noise(rng, n, rng.uniform() * 0.8, noise * Math.max(hi - lo, 1e-3));
    for (let i = 0; i < n; i++) out[i] += e[i];
  }
  return out;
}
