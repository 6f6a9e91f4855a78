/**
 * LLMTime's scaling (Gruver et al. 2023, "Large Language Models Are Zero-Shot
 * Time Series Forecasters"; ngruver/llmtime, `get_scaler` with `basic=False`):
 * shift by `min - beta * (max - min)`, divide by the `alpha` quantile of the
 * shifted history, so that most values take a few digits and there is headroom
 * above the history. Missing values (NaN) are left out of the fit.
 */

/** What {@link DigitTokenizer.decode} needs to undo the scaling: `x = v * scale + offset`. */
export interface DigitState {
  offset: number;
  scale: number;
}

/**
 * `numpy.quantile(sorted, q)` with its default (linear) method, on values
 * already sorted ascending, including numpy's `_lerp` (which interpolates from
 * the upper neighbour when the fraction is at least one half).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const at = (n - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, n - 1);
  const t = at - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Fits LLMTime's scaling to the observed values of `values`. With nothing
 * observed (LLMTime would fail) it is the identity.
 */
export function fitScaler(values: ArrayLike<number>, alpha: number, beta: number): DigitState {
  const observed: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) observed.push(values[i]);
  if (observed.length === 0) return { offset: 0, scale: 1 };
  const sorted = Float64Array.from(observed).sort();
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const offset = min - beta * (max - min);
  for (let i = 0; i < sorted.length; i++) sorted[i] -= offset; // stays sorted
  const q = quantileSorted(sorted, alpha);
  return { offset, scale: q === 0 ? 1 : q };
}
