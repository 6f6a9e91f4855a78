// `kairos evaluate`: a rolling-origin backtest of the bundled or given series, scoring naive and
// seasonal naive (and the models given as forecasters) side by side, relative to seasonal naive.

import { type BacktestResult, backtest, type Forecaster } from "../../metrics/backtest.js";
import { emit } from "../emit.js";
import { formatTable } from "../format-table.js";
import type { CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import { loadSeries, type SeriesFlags } from "../series-input.js";

/** Flags of `kairos evaluate`. */
export interface EvaluateFlags extends SeriesFlags {
  horizon: number;
  folds: number;
  context: number;
  json?: boolean;
}

/** The backtest table as text. */
export function formatBacktest(result: BacktestResult): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));
  const rows = [["model", "MASE", "sMAPE", "WQL", "MASE/SN", "WQL/SN"]];
  for (const r of result.rows) {
    rows.push([r.name, f(r.mase), f(r.smape), f(r.wql), f(r.relativeMase), f(r.relativeWql)]);
  }
  return formatTable(rows);
}

/**
 * Runs `kairos evaluate`. `forecasters` are the models to score beside the baselines (built by the
 * caller from --base and --adapter).
 */
export async function evaluate(
  flags: EvaluateFlags,
  io: CliIo,
  forecasters: Record<string, Forecaster> = {},
): Promise<BacktestResult> {
  const { horizon, folds, context } = flags;
  const series = await loadSeries(flags, {
    minLength: horizon * folds + 1,
    reason: `${folds} folds × horizon ${horizon} + 1 step of history`,
  });
  const names = 2 + Object.keys(forecasters).length;
  const progress = createProgress(io, "backtest", names * folds);
  let done = 0;
  const result = await backtest(series.values, {
    contextLength: context,
    horizon,
    folds,
    season: series.season,
    forecasters,
    onFold: (name) => progress.update(++done, { model: name }),
  });
  progress.stop();
  const freq = series.frequency ? ` (${series.frequency})` : series.timestamps ? "" : " (no dates)";
  const heading = `${series.file}, column ${series.column}: ${folds} folds × horizon ${horizon}, context ${context}, season ${series.season}${freq}`;
  emit(
    io,
    flags.json,
    {
      file: series.file,
      column: series.column,
      horizon,
      folds,
      context,
      season: series.season,
      ...result,
    },
    `${heading}\n${formatBacktest(result)}\nLower is better; /SN is relative to seasonal naive (Chronos's relative score).`,
  );
  return result;
}
