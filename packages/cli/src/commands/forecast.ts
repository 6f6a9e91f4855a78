// `kairos forecast`: sample forecasts of a series from the base model or a fine-tuned adapter;
// prints median and 10–90% band per step (JSON with every quantile), optionally a plot. With
// --holdout the last `horizon` values are held out, forecast from what precedes them, and scored.
// --context-length shortens the context; --fit downsample lets it hold the whole history.

import type { BackendName } from "@kairos/lora";
import { evaluateForecasts } from "@kairos/train";
import { openBackend, resolveBase } from "../base-model.js";
import { contextLength } from "../context-length.js";
import { emit } from "../emit.js";
import { fitHistory } from "../fit-history.js";
import { formatTable } from "../format-table.js";
import type { CliIo } from "../io.js";
import { loadAdapted, openModel, type SamplingFlags } from "../load-models.js";
import { forecastPlotSpec } from "../plot/forecast-plot-spec.js";
import { futureTimestamps } from "../plot/future-timestamps.js";
import { plotFormat, writePlotFile } from "../plot-file.js";
import { loadSeries, type SeriesFlags } from "../series-input.js";
import { UsageError } from "../usage-error.js";

/** Flags of `kairos forecast`. */
export interface ForecastFlags extends SeriesFlags, SamplingFlags {
  adapter?: string;
  base?: string;
  horizon?: number;
  holdout?: boolean;
  plot?: string;
  backend?: BackendName;
  /** Values the forecast sees (default and at most the model's context length). */
  contextLength?: number;
  /** truncate (default): the most recent context; downsample: bucket means of all the history. */
  fit?: "truncate" | "downsample";
  json?: boolean;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Runs `kairos forecast`. */
export async function forecast(flags: ForecastFlags, io: CliIo) {
  if (flags.plot) plotFormat(flags.plot); // a bad --plot name fails before any work
  const baseDir = await resolveBase(flags.base, io);
  const backend = await openBackend(flags.backend);
  try {
    const model = flags.adapter
      ? (await loadAdapted(baseDir, flags.adapter, backend)).model
      : await openModel(baseDir, backend);
    const t = model.window;
    const horizon = flags.horizon ?? t.predictionLength;
    const context = contextLength(flags.contextLength, t);
    const loaded = await loadSeries(flags, {
      minLength: flags.holdout ? horizon + 1 : 1,
      reason: flags.holdout ? `horizon ${horizon} held out + 1 step of history` : undefined,
    });
    // truncate is the slice below; downsample replaces the series by its bucket means.
    const fitted =
      flags.fit === "downsample"
        ? fitHistory(loaded, "downsample", context, t.predictionLength)
        : { series: loaded, description: null };
    const { series } = fitted;
    if (flags.holdout && series.values.length <= horizon) {
      throw new UsageError(
        `--holdout: --horizon ${horizon} leaves no history of the ${series.values.length} values --fit downsample made`,
      );
    }
    const n = series.values.length - (flags.holdout ? horizon : 0);
    const history = series.values.subarray(0, n);
    const f = await model.forecast(history.subarray(Math.max(0, n - context)), {
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
    const lines = [
      ...(fitted.description ? [`--fit downsample: ${fitted.description}`] : []),
      formatTable(rows),
    ];
    if (scores)
      lines.push(
        `MASE ${scores.mase.toFixed(3)}  sMAPE ${scores.smape.toFixed(3)}  WQL ${scores.wql.toFixed(3)}`,
      );
    if (flags.plot) lines.push(`plot written to ${flags.plot}`);
    const json = {
      file: series.file,
      column: series.column,
      horizon,
      contextLength: context,
      fit: flags.fit ?? "truncate",
      fitted: fitted.description,
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
