// Statistics the synthetic-series tests check generators against, computed the plain way
// (O(n²) periodogram, sample autocorrelation), independent of the generators.

/** Sample mean. */
export const mean = (x: ArrayLike<number>): number =>
  Array.from(x).reduce((a, b) => a + b, 0) / x.length;

/** Sample autocorrelation at `lag`. */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  const m = mean(x);
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i] - m) ** 2;
    if (i >= lag) num += (x[i] - m) * (x[i - lag] - m);
  }
  return num / den;
}

/** x minus its least-squares line. */
export function detrend(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const tm = (n - 1) / 2;
  const xm = mean(x);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - tm) * (x[i] - xm);
    sxx += (i - tm) ** 2;
  }
  const b = sxy / sxx;
  return Float64Array.from({ length: n }, (_, i) => x[i] - xm - b * (i - tm));
}

/** |DFT|² at bins 1 … ⌊n/2⌋ (index k − 1 holds bin k, frequency k/n cycles a step). */
export function periodogram(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(Math.floor(n / 2));
  for (let k = 1; k <= out.length; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    out[k - 1] = re * re + im * im;
  }
  return out;
}
