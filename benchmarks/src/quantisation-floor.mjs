// The quantisation floor of a tokenization: how much of seasonal naive's error its rounding
// alone costs. For each rolling-origin window of a series, the actual future is encoded with its
// context's scale state (encodeLabels) and decoded; the floor is the MASE of that decoded future
// over the MASE of seasonal naive on the same windows (GluonTS's MASE: each window's error over
// its context's seasonal error, averaged over windows; Chronos's relative score). A perfect
// forecast scores this floor after the tokenizer has rounded it.
import { mase, seasonalNaiveForecast } from "@kairos/train";

/** Forecast horizon by frequency: M4's (hourly 48 … yearly 6), business days a trading month. */
export const HORIZONS = { h: 48, D: 14, B: 20, W: 13, M: 18, Q: 8, Y: 6 };

/**
 * Rolling-origin windows (Tashman 2000): up to `count` forecast origins stepping back from the
 * end of the series, spread evenly over its history (on a short series the futures overlap),
 * each context at most `contextLength` values and at least two seasons and two horizons.
 * @param {Float64Array} values
 * @returns {{ context: Float64Array, future: Float64Array }[]} newest first
 */
export function rollingWindows(values, horizon, season, { count, contextLength }) {
  const minContext = Math.max(2 * season + 1, 2 * horizon, 8);
  const span = values.length - horizon - minContext;
  if (span < 0) return [];
  const stride = Math.max(1, Math.floor(span / Math.max(1, count - 1)));
  const out = [];
  for (let t = values.length - horizon; t >= minContext && out.length < count; t -= stride) {
    out.push({
      context: values.subarray(Math.max(0, t - contextLength), t),
      future: values.subarray(t, t + horizon),
    });
  }
  return out;
}

/**
 * The floor of one tokenizer on one series' windows, and the fraction of future values that
 * fell beyond its range (clamped to an edge bin).
 * @param {import("@kairos/tokenizer").Tokenizer} tok its predictionLength is the horizon
 * @param {(tok, x: number, scale) => boolean} beyond whether `x` lies past the edge bins
 * @returns {{ floor: number, clamped: number, windows: number }}
 */
export function quantisationFloor(tok, beyond, windows, season) {
  let ours = 0;
  let naive = 0;
  let used = 0;
  let clamped = 0;
  let values = 0;
  for (const { context, future } of windows) {
    const { scale } = tok.encode(context);
    const decoded = tok.decode(tok.encodeLabels(future, scale).ids, scale);
    const baseline = seasonalNaiveForecast(context, future.length, season).median;
    const a = mase(future, decoded, context, season);
    const b = mase(future, baseline, context, season);
    for (const x of future) {
      if (Number.isNaN(x)) continue;
      values++;
      if (beyond(tok, x, scale)) clamped++;
    }
    if (!(b > 0 && Number.isFinite(a) && Number.isFinite(b))) continue; // no seasonal error
    ours += a;
    naive += b;
    used++;
  }
  return { floor: ours / naive, clamped: values === 0 ? 0 : clamped / values, windows: used };
}
