import { QUANTILE_LEVELS, type QuantileForecast } from "@kairos/train";
import { describe, expect, it } from "vitest";
import { forecastPlotSpec } from "../src/plot/forecast-plot-spec.js";
import { futureTimestamps } from "../src/plot/future-timestamps.js";
import { renderForecastPlot } from "../src/plot/render-forecast-plot.js";

const DAY = 86_400_000;
const history = Array.from({ length: 100 }, (_, i) => 100 + 10 * Math.sin(i / 3));
const times = futureTimestamps(Date.UTC(2020, 0, 1), "D", 100);
const horizon = 5;
const forecast: QuantileForecast = {
  median: [1, 2, 3, 4, 5],
  levels: QUANTILE_LEVELS,
  quantiles: QUANTILE_LEVELS.map((q) => [1, 2, 3, 4, 5].map((v) => v + (q - 0.5) * 10)),
};
const forecastTimes = futureTimestamps(times[99], "D", horizon);

// biome-ignore lint/suspicious/noExplicitAny: walking the spec's JSON
const layers = (spec: any) => spec.layer.map((l: any) => l.data.values);

describe("forecast plot", () => {
  it("futureTimestamps(last, frequency, horizon) skips weekends for B and keeps the day for M", () => {
    const fri = Date.UTC(2020, 0, 3);
    expect(futureTimestamps(fri, "B", 3)).toEqual([
      Date.UTC(2020, 0, 6),
      Date.UTC(2020, 0, 7),
      Date.UTC(2020, 0, 8),
    ]);
    expect(futureTimestamps(Date.UTC(2020, 0, 31), "M", 2)).toEqual([
      Date.UTC(2020, 1, 29),
      Date.UTC(2020, 2, 31),
    ]);
    expect(futureTimestamps(fri, "D", 2)).toEqual([fri + DAY, fri + 2 * DAY]);
  });

  it("forecastPlotSpec(input) draws the history tail, median, 10–90% band and known actuals", () => {
    const actual = [1, Number.NaN, 3, 4, 5];
    const spec = forecastPlotSpec({
      history,
      historyTimes: times,
      forecast,
      forecastTimes,
      actual,
      historyTail: 30,
    });
    const [band, rows] = layers(spec);
    expect(band).toEqual(
      forecastTimes.map((x, h) => ({
        x,
        lo: forecast.quantiles[0][h],
        hi: forecast.quantiles[8][h],
      })),
    );
    const of = (s: string) => rows.filter((r: { series: string }) => r.series === s);
    expect(of("history").map((r: { x: number }) => r.x)).toEqual(times.slice(70));
    expect(of("median forecast").map((r: { y: number }) => r.y)).toEqual([1, 2, 3, 4, 5]);
    expect(of("actual").map((r: { y: number }) => r.y)).toEqual([1, 3, 4, 5]);
  });

  it("forecastPlotSpec(input) keeps the y range to the lines plus half of it, so a wild band is clipped", () => {
    const wild: QuantileForecast = {
      median: [10, 11],
      levels: [0.1, 0.5, 0.9],
      quantiles: [
        [9, -500],
        [10, 11],
        [12, 900],
      ],
    };
    const spec = forecastPlotSpec({ history: [8, 12], forecast: wild, actual: [10, 11] });
    // biome-ignore lint/suspicious/noExplicitAny: walking the spec's JSON
    const domain = (spec as any).layer[1].encoding.y.scale.domain;
    expect(domain).toEqual([6, 14]);
  });

  it("forecastPlotSpec(input) uses a step axis without dates and rejects mismatched inputs", () => {
    const spec = forecastPlotSpec({ history, forecast });
    expect(layers(spec)[0][0].x).toBe(100);
    expect(() =>
      forecastPlotSpec({ history, historyTimes: times.slice(1), forecast, forecastTimes }),
    ).toThrow(/historyTimes must have one entry per history value \(100\), got 99/);
    expect(() => forecastPlotSpec({ history, historyTimes: times, forecast })).toThrow(
      /forecastTimes must have one entry per horizon step \(5\), got undefined/,
    );
    expect(() =>
      forecastPlotSpec({
        history,
        forecast: { ...forecast, levels: [0.5], quantiles: [[1, 2, 3, 4, 5]] },
      }),
    ).toThrow(/forecast.levels must include 0.1/);
  });

  it("renderForecastPlot(spec, 'svg' | 'png') renders dated axes, the title and a 2× PNG", async () => {
    const spec = forecastPlotSpec({
      history,
      historyTimes: times,
      forecast,
      forecastTimes,
      title: "Test close",
      width: 400,
      height: 200,
    });
    const svg = await renderForecastPlot(spec, "svg");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("Test close");
    expect(svg).toMatch(/>2020-0[1-4]-\d\d</);
    expect(svg).toContain("median forecast (band: 10–90%)");
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const png = await renderForecastPlot(spec, "png");
    expect(Array.from(png.subarray(0, 8))).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ]);
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(2 * width);
    await expect(renderForecastPlot(spec, "gif" as never)).rejects.toThrow(
      /format must be "svg" or "png", got gif/,
    );
  }, 30_000);
});
