// Minimal SVG drawing for the page's two charts: linear scales and path strings.

const NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element with attributes. */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  return el;
}

/** A linear map from [d0, d1] onto [r0, r1] (the middle of the range when d0 = d1). */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** Smallest and largest finite value across arrays ([0, 1] when there is none). */
export function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      if (Number.isFinite(a[i])) {
        lo = Math.min(lo, a[i]);
        hi = Math.max(hi, a[i]);
      }
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** An SVG path through (x(i), y(values[i])), broken at non-finite values. */
export function linePath(
  values: ArrayLike<number>,
  x: (i: number) => number,
  y: (v: number) => number,
): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(values[i]).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Clears `svg` and gives it a viewBox of `width` × `height`. */
export function resetSvg(svg: SVGSVGElement, width: number, height: number): void {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
}

/** A text label. */
export function label(
  text: string,
  x: number,
  y: number,
  anchor: "start" | "middle" | "end" = "start",
): SVGTextElement {
  const el = svgElement("text", { x, y, "text-anchor": anchor, class: "tick" });
  el.textContent = text;
  return el;
}

/** Margins around a chart's plot area. */
export interface Margins {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The outline of the plot area of a `width` × `height` chart with margins `m`. */
export function plotFrame(width: number, height: number, m: Margins): SVGRectElement {
  return svgElement("rect", {
    x: m.left,
    y: m.top,
    width: width - m.left - m.right,
    height: height - m.top - m.bottom,
    class: "frame",
  });
}
