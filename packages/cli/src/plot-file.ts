// Writes a forecast plot to the file `--plot` names, as SVG or PNG by its extension.

import { rename, rm, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { renderForecastPlot } from "./plot/render-forecast-plot.js";
import { UsageError } from "./usage-error.js";

/** "svg" or "png" from a `--plot` file name; a UsageError for anything else. */
export function plotFormat(file: string): "svg" | "png" {
  const ext = extname(file).toLowerCase();
  if (ext === ".svg" || ext === ".png") return ext.slice(1) as "svg" | "png";
  throw new UsageError(`--plot must name a .svg or .png file, got ${file}`);
}

/** Renders `spec` to the bytes of `file`'s format. */
export async function renderPlotFile(
  file: string,
  spec: TopLevelSpec,
): Promise<string | Uint8Array> {
  return plotFormat(file) === "svg"
    ? renderForecastPlot(spec, "svg")
    : renderForecastPlot(spec, "png");
}

/** Renders and writes `spec` to `file` (through a temporary name, so never half a file). */
export async function writePlotFile(file: string, spec: TopLevelSpec): Promise<void> {
  const bytes = await renderPlotFile(file, spec);
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
}
