// The forecast chart: the recent history, the held-out actuals, the forecast median and its
// 10–90% and 20–80% quantile bands.
import { extent, label, linear, linePath, plotFrame, resetSvg, svgElement } from "./svg";

const W = 760;
const H = 300;
const M = { left: 64, right: 12, top: 12, bottom: 28 };

/** What the chart shows; `levels[i]` is the level of `quantiles[i]` (0.1 … 0.9). */
export interface ForecastView {
  history: Float64Array;
  actuals: Float64Array;
  median: Float32Array;
  levels: number[];
  quantiles: Float32Array[];
  /** Labels of the first history point and the last forecast point (dates, usually). */
  firstLabel: string;
  lastLabel: string;
}

function band(
  lower: Float32Array,
  upper: Float32Array,
  x: (i: number) => number,
  y: (v: number) => number,
): string {
  const top = Array.from(upper, (v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const bottom = Array.from(lower, (v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).reverse();
  return `M${top.join("L")}L${bottom.join("L")}Z`;
}

/** Draws `view` into `svg`. */
export function drawForecastChart(svg: SVGSVGElement, view: ForecastView): void {
  resetSvg(svg, W, H);
  const n = view.history.length;
  const total = n + view.median.length;
  const q = (level: number) =>
    view.quantiles[view.levels.findIndex((l) => Math.abs(l - level) < 1e-9)];
  const [lo, hi] = extent(view.history, view.actuals, q(0.1), q(0.9));
  const pad = (hi - lo) * 0.05 || 1;
  const x = linear(0, total - 1, M.left, W - M.right);
  const y = linear(lo - pad, hi + pad, H - M.bottom, M.top);
  const after = (i: number) => x(n + i);
  svg.append(
    plotFrame(W, H, M),
    svgElement("path", { d: band(q(0.1), q(0.9), after, y), class: "band-outer" }),
    svgElement("path", { d: band(q(0.2), q(0.8), after, y), class: "band-inner" }),
    svgElement("path", { d: linePath(view.history, x, y), class: "history-line" }),
    svgElement("path", { d: linePath(view.actuals, after, y), class: "actual-line" }),
    svgElement("path", { d: linePath(view.median, after, y), class: "median-line" }),
    svgElement("line", {
      x1: x(n - 0.5),
      x2: x(n - 0.5),
      y1: M.top,
      y2: H - M.bottom,
      class: "split",
    }),
    label((hi + pad).toFixed(1), M.left - 4, M.top + 10, "end"),
    label((lo - pad).toFixed(1), M.left - 4, H - M.bottom, "end"),
    label(view.firstLabel, M.left, H - 8),
    label(view.lastLabel, W - M.right, H - 8, "end"),
  );
}
