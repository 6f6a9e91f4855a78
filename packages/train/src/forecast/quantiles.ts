// Quantiles of sample paths, per horizon step, with linear interpolation between order statistics
// (NumPy's default `linear` method, `torch.quantile`'s default).

/** The q-quantile of `sorted` (ascending). */
export function quantileSorted(sorted: Float64Array | Float32Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** `[levels.length][horizon]` quantiles of `paths` (`[samples][horizon]`). */
export function pathQuantiles(paths: Float32Array[], levels: readonly number[]): Float32Array[] {
  const horizon = paths[0].length;
  const out = levels.map(() => new Float32Array(horizon));
  const column = new Float64Array(paths.length);
  for (let h = 0; h < horizon; h++) {
    for (let s = 0; s < paths.length; s++) column[s] = paths[s][h];
    column.sort();
    levels.forEach((q, i) => {
      out[i][h] = quantileSorted(column, q);
    });
  }
  return out;
}
