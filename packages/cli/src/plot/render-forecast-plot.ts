// Renders a Vega-Lite spec without a browser: vega-lite compiles it to Vega, a headless vega View
// draws it to SVG, and resvg rasterises the SVG to PNG. Node only (resvg is a native addon).

import { Resvg } from "@resvg/resvg-js";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * @param spec a Vega-Lite spec such as {@link forecastPlotSpec}'s.
 * @param format "svg" (returns text) or "png" (returns bytes, at 2× scale for sharp text).
 * @example
 * writeFileSync("forecast.png", await renderForecastPlot(spec, "png"));
 */
export async function renderForecastPlot(spec: TopLevelSpec, format: "svg"): Promise<string>;
export async function renderForecastPlot(spec: TopLevelSpec, format: "png"): Promise<Uint8Array>;
export async function renderForecastPlot(
  spec: TopLevelSpec,
  format: "svg" | "png",
): Promise<string | Uint8Array> {
  if (format !== "svg" && format !== "png") {
    throw new RangeError(`renderForecastPlot(): format must be "svg" or "png", got ${format}`);
  }
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  if (format === "svg") return svg;
  const png = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  }).render();
  return png.asPng();
}
