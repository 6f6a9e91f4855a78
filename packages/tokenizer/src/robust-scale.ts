/**
 * Robust location-scale (instance) normalisation of a context, as GluonTS's `RobustScaler`
 * (used by Lag-Llama) fits it: location the median of the observed values, scale their
 * interquartile range — here divided by 1.349, the IQR of a standard normal, so the unit is
 * a standard deviation where the data are normal. One outlier moves neither. Quantiles are
 * numpy's default (linear interpolation between order statistics).
 */
import type { Series } from "./validate.js";

/** The scale state of {@link RobustScaleUniformBins}: `value ≈ location + scale × z`. */
export interface RobustScale {
  /** Median of the observed (non-NaN) context values; 0 when none is observed. */
  location: number;
  /** Robust standard deviation, > 0 (see {@link robustScale} for the fallbacks). */
  scale: number;
}

/** IQR of the standard normal, 2 Φ⁻¹(0.75). */
export const NORMAL_IQR = 1.3489795003921634;

/** numpy.quantile(sorted, q) with the default linear method, for `sorted` ascending, non-empty. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const i = Math.floor(position);
  const fraction = position - i;
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * fraction : sorted[i];
}

/**
 * The location and scale of `values[start..]`, NaN skipped. Scale: IQR / 1.349; where that is
 * 0 (over half the values equal), the mean absolute deviation from the median; where that is
 * 0 too (a constant context), |location|, or 1 for an all-zero one (Chronos's choice for its
 * mean scale). Last, it is raised to `minScale × |location|`.
 *
 * @param values `[T]` finite values or NaN
 * @param scratch a buffer of at least `T - start` doubles to sort in (reused across calls)
 * @example
 * robustScale([1, 2, 3, 4, 100], 0, 1e-6, new Float64Array(5));
 * // { location: 3, scale: 2 / 1.349 = 1.4826 }: the 100 moves neither
 */
export function robustScale(
  values: Series,
  start: number,
  minScale: number,
  scratch: Float64Array,
): RobustScale {
  let n = 0;
  for (let i = start; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) scratch[n++] = v;
  }
  if (n === 0) return { location: 0, scale: 1 };
  const sorted = scratch.subarray(0, n).sort();
  const location = quantileSorted(sorted, 0.5);
  let scale = (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / NORMAL_IQR;
  if (!(scale > 0)) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(sorted[i] - location);
    scale = sum / n;
  }
  if (!(scale > 0)) scale = location !== 0 ? Math.abs(location) : 1;
  return { location, scale: Math.max(scale, minScale * Math.abs(location)) };
}
