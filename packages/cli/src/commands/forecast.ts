// `kairos forecast`: sample forecasts of a series from the base model or a fine-tuned adapter;
// prints median and 10–90% band per step (JSON with every quantile), optionally a plot. With
// --holdout the last `horizon` values are held out, forecast from what precedes them, and scored.

import type { BackendName } from "@kairos/lora";
import { evaluateForecasts, forecast as forecastModel } from "@kairos/train";
import { openBackend, resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import { formatTable } from "../format-table.js";
import type { CliIo } from "../io.js";
import { loadAdapted, openModel, type SamplingFlags } from "../load-models.js";
import { forecastPlotSpec } from "../plot/forecast-plot-spec.js";
import { futureTimestamps } from "../plot/future-timestamps.js";
import { plotFormat, writePlotFile } from "../plot-file.js";
import { loadSeries, type SeriesFlags } from "../series-input.js";

/** Flags of `kairos forecast`. */
export interface ForecastFlags extends SeriesFlags, SamplingFlags {
  adapter?: string;
  base?: string;
  horizon?: number;
  holdout?: boolean;
  plot?: string;
  backend?: BackendName;
  json?: boolean;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Runs `kairos forecast`. */
export async function forecast(flags: ForecastFlags, io: CliIo) {
  if (flags.plot) plotFormat(flags.plot); // a bad --plot name fails before any work
  const baseDir = resolveBase(flags.base);
  const backend = await openBackend(flags.backend);
  try {
    const model = flags.adapter
      ? (await loadAdapted(baseDir, flags.adapter, backend)).model
      : await openModel(baseDir, backend);
    const t = model.config.tokenizer;
    if (!t)
      throw new Error(`${baseDir}/config.json has no chronos_config: not a forecasting model`);
    const horizon = flags.horizon ?? t.predictionLength;
    const series = await loadSeries(flags, {
      minLength: flags.holdout ? horizon + 1 : 1,
      reason: flags.holdout ? `horizon ${horizon} held out + 1 step of history` : undefined,
    });
    const n = series.values.length - (flags.holdout ? horizon : 0);
    const history = series.values.subarray(0, n);
    const context = history.subarray(Math.max(0, n - t.contextLength));
    const f = await forecastModel(model, context, {
      horizon,
      samples: flags.samples,
      seed: flags.seed,
    });
    const actual = flags.holdout ? series.values.subarray(n, n + horizon) : undefined;
    const stamps = series.timestamps;
    const times = stamps
      ? flags.holdout
        ? Array.from(stamps.subarray(n, n + horizon))
        : series.frequency
          ? futureTimestamps(stamps[n - 1], series.frequency, horizon)
          : null
      : null;
    const scores = actual
      ? evaluateForecasts([{ context: history, actual, forecast: f }], series.season)
      : null;
    if (flags.plot) {
      const who = flags.adapter ? "fine-tuned" : "base model";
      await writePlotFile(
        flags.plot,
        forecastPlotSpec({
          history,
          historyTimes: times && stamps ? stamps.subarray(0, n) : undefined,
          forecast: f,
          forecastTimes: times ?? undefined,
          actual,
          title: `${series.column}: ${horizon}-step forecast (${who}, ${flags.samples} samples)`,
        }),
      );
    }
    const step = (h: number) => (times ? iso(times[h]) : `+${h + 1}`);
    const rows = [["step", "median", "q10", "q90", ...(actual ? ["actual"] : [])]];
    for (let h = 0; h < horizon; h++) {
      const cells = [
        f.median[h],
        f.quantiles[0][h],
        f.quantiles[8][h],
        ...(actual ? [actual[h]] : []),
      ];
      rows.push([step(h), ...cells.map((v) => v.toFixed(2))]);
    }
    const lines = [formatTable(rows)];
    if (scores)
      lines.push(
        `MASE ${scores.mase.toFixed(3)}  sMAPE ${scores.smape.toFixed(3)}  WQL ${scores.wql.toFixed(3)}`,
      );
    if (flags.plot) lines.push(`plot written to ${flags.plot}`);
    const json = {
      file: series.file,
      column: series.column,
      horizon,
      samples: flags.samples,
      dates: times ? times.map(iso) : null,
      median: Array.from(f.median),
      quantiles: Object.fromEntries(
        f.levels.map((q, i) => [String(q), Array.from(f.quantiles[i])]),
      ),
      actual: actual ? Array.from(actual) : undefined,
      scores: scores ?? undefined,
      plot: flags.plot,
    };
    emit(io, flags.json, json, lines.join("\n"));
    return json;
  } finally {
    await backend.dispose();
  }
}
