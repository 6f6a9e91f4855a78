// The forecast picture as a Vega-Lite specification (pure data, no rendering): the tail of the
// history, the median forecast, its 10–90% band and, where known, the actual values, over a date
// axis (or a step axis when the series has no dates).

import type { QuantileForecast } from "@kairos/train";
import type { TopLevelSpec } from "vega-lite";

/** What {@link forecastPlotSpec} draws. */
export interface ForecastPlotInput {
  /** History values, oldest first; only the last `historyTail` are drawn. */
  history: ArrayLike<number>;
  /** History timestamps (ms, UTC), same length as `history`; omit for a step axis. */
  historyTimes?: ArrayLike<number>;
  forecast: QuantileForecast;
  /** Forecast timestamps (ms, UTC), one per horizon step; required with `historyTimes`. */
  forecastTimes?: ArrayLike<number>;
  /** True values over the horizon, where known (NaN = unknown). */
  actual?: ArrayLike<number>;
  title?: string;
  /** How many history points to draw; default max(4 × horizon, 60). */
  historyTail?: number;
  width?: number;
  height?: number;
}

const COLORS = { history: "#4c4c4c", median: "#1f77b4", band: "#1f77b4", actual: "#d62728" };

// The band is drawn in the median's colour; its legend entry says so.
const LEGEND_LABEL =
  "datum.label === 'median forecast' ? 'median forecast (band: 10–90%)' : datum.label";

/**
 * The y range: everything the lines show, plus the band where it stays within half that range
 * again, so one wild sampled path cannot flatten the picture (the band is clipped beyond).
 */
function yDomain(rows: { y: number }[], band: { lo: number; hi: number }[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    min = Math.min(min, r.y);
    max = Math.max(max, r.y);
  }
  const slack = 0.5 * (max - min || Math.abs(max) || 1);
  const [floor, ceiling] = [min - slack, max + slack];
  for (const b of band) {
    min = Math.min(min, Math.max(b.lo, floor));
    max = Math.max(max, Math.min(b.hi, ceiling));
  }
  return [min, max];
}

function level(f: QuantileForecast, q: number): ArrayLike<number> {
  const i = f.levels.findIndex((l) => Math.abs(l - q) < 1e-9);
  if (i < 0)
    throw new RangeError(
      `forecastPlotSpec(): forecast.levels must include ${q}, got [${f.levels}]`,
    );
  return f.quantiles[i];
}

/**
 * Builds the Vega-Lite spec of a forecast plot.
 *
 * @example
 * const spec = forecastPlotSpec({ history, historyTimes, forecast, forecastTimes, title: "close" });
 * const svg = await renderForecastPlot(spec, "svg"); // from "@kairos/train/node"
 */
export function forecastPlotSpec(input: ForecastPlotInput): TopLevelSpec {
  const { history, forecast } = input;
  const horizon = forecast.median.length;
  const dated = input.historyTimes !== undefined;
  if (dated && input.historyTimes?.length !== history.length) {
    throw new RangeError(
      `forecastPlotSpec(): historyTimes must have one entry per history value (${history.length}), got ${input.historyTimes?.length}`,
    );
  }
  if (dated && input.forecastTimes?.length !== horizon) {
    throw new RangeError(
      `forecastPlotSpec(): forecastTimes must have one entry per horizon step (${horizon}), got ${input.forecastTimes?.length}`,
    );
  }
  const tail = Math.min(history.length, input.historyTail ?? Math.max(4 * horizon, 60));
  const start = history.length - tail;
  const x = (i: number) =>
    dated
      ? i < history.length
        ? input.historyTimes![i]
        : input.forecastTimes![i - history.length]
      : i;
  const rows: { x: number; y: number; series: string }[] = [];
  for (let i = start; i < history.length; i++) {
    if (!Number.isNaN(history[i])) rows.push({ x: x(i), y: history[i], series: "history" });
  }
  const lo = level(forecast, 0.1);
  const hi = level(forecast, 0.9);
  const band: { x: number; lo: number; hi: number }[] = [];
  for (let h = 0; h < horizon; h++) {
    const t = x(history.length + h);
    rows.push({ x: t, y: forecast.median[h], series: "median forecast" });
    band.push({ x: t, lo: lo[h], hi: hi[h] });
    const a = input.actual?.[h];
    if (a !== undefined && !Number.isNaN(a)) rows.push({ x: t, y: a, series: "actual" });
  }
  const xField = {
    field: "x",
    type: dated ? "temporal" : "quantitative",
    title: dated ? null : "step",
    ...(dated
      ? { scale: { type: "utc" }, axis: { format: "%Y-%m-%d", labelAngle: 0, tickCount: 8 } }
      : {}),
  } as const;
  const domain = ["history", "median forecast", "actual"].filter((s) =>
    rows.some((r) => r.series === s),
  );
  const y = {
    type: "quantitative",
    scale: { zero: false, domain: yDomain(rows, band), clamp: true },
    title: null,
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: input.title ?? "Forecast",
    width: input.width ?? 720,
    height: input.height ?? 320,
    background: "white",
    config: { font: "sans-serif", axis: { grid: true, gridOpacity: 0.4 } },
    layer: [
      {
        data: { values: band },
        mark: { type: "area", opacity: 0.22, color: COLORS.band, clip: true },
        encoding: {
          x: xField,
          y: { field: "lo", ...y },
          y2: { field: "hi" },
        },
      },
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.8, interpolate: "linear" },
        encoding: {
          x: xField,
          y: { field: "y", ...y },
          color: {
            field: "series",
            type: "nominal",
            title: null,
            scale: {
              domain,
              range: domain.map((s) =>
                s === "history" ? COLORS.history : s === "actual" ? COLORS.actual : COLORS.median,
              ),
            },
            legend: {
              orient: "top",
              direction: "horizontal",
              labelExpr: LEGEND_LABEL,
              labelLimit: 320,
            },
          },
        },
      },
    ],
  } as TopLevelSpec;
}
