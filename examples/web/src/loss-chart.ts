// The live loss curve: training loss by step, redrawn as steps arrive.
import { extent, label, linear, linePath, plotFrame, resetSvg, svgElement } from "./svg";

const W = 560;
const H = 220;
const M = { left: 48, right: 12, top: 12, bottom: 28 };

/** Draws `losses` (step 1 first) on a `steps`-wide axis into `svg`. */
export function drawLossChart(svg: SVGSVGElement, losses: number[], steps: number): void {
  resetSvg(svg, W, H);
  const [lo, hi] = extent(losses);
  const pad = (hi - lo) * 0.1 || 0.1;
  const x = linear(1, Math.max(2, steps), M.left, W - M.right);
  const y = linear(lo - pad, hi + pad, H - M.bottom, M.top);
  svg.append(
    plotFrame(W, H, M),
    label((hi + pad).toFixed(2), M.left - 4, M.top + 10, "end"),
    label((lo - pad).toFixed(2), M.left - 4, H - M.bottom, "end"),
    label("step 1", M.left, H - 8),
    label(`step ${steps}`, W - M.right, H - 8, "end"),
    svgElement("path", { d: linePath(losses, (i) => x(i + 1), y), class: "loss-line" }),
  );
}
