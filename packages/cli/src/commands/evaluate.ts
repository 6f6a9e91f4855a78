// `kairos evaluate`: a rolling-origin backtest of the bundled or given series, scoring the
// baselines backtest() always runs (seasonal naive, naive, damped-trend ETS) and the models given
// as forecasters side by side, relative to seasonal naive.

import type { BackendName } from "@kairos/lora";
import { type BacktestResult, backtest, type Forecaster } from "@kairos/train";
import { findBase, openBackend } from "../base-model.js";
import { emit } from "../emit.js";
import { formatTable } from "../format-table.js";
import type { CliIo } from "../io.js";
import { loadAdapted, modelForecaster, openModel, type SamplingFlags } from "../load-models.js";
import { createProgress } from "../progress.js";
import { loadSeries, type SeriesFlags } from "../series-input.js";
import { UsageError } from "../usage-error.js";

/** Flags of `kairos evaluate`. */
export interface EvaluateFlags extends SeriesFlags {
  horizon: number;
  folds: number;
  /** History each forecaster sees (default: the base model's context length, else 512). */
  context?: number;
  json?: boolean;
}

/** Flags of the `kairos evaluate` command: the backtest's plus the models'. */
export interface EvaluateCommandFlags extends EvaluateFlags, SamplingFlags {
  base?: string;
  adapter?: string;
  backend?: BackendName;
  /** Score the baselines only (seasonal naive, naive, ets (damped)), without loading a model. */
  baselinesOnly?: boolean;
}

/**
 * Runs `kairos evaluate`: the base model zero-shot (when one is given or shipped) and, with
 * `--adapter`, the fine-tuned model, beside seasonal naive, naive and damped-trend ETS.
 */
export async function evaluateCommand(
  flags: EvaluateCommandFlags,
  io: CliIo,
): Promise<BacktestResult> {
  if (flags.baselinesOnly) {
    if (flags.adapter || flags.base)
      throw new UsageError("--baselines-only takes no --base or --adapter");
    return evaluate({ ...flags, context: flags.context ?? 512 }, io);
  }
  const baseDir = await findBase(flags.base, io);
  if (baseDir === null) {
    if (flags.adapter) throw new UsageError("--adapter needs its base model: give --base DIR");
    const note = "no base model given or shipped: baselines only";
    return evaluate({ ...flags, context: flags.context ?? 512 }, io, {}, note);
  }
  const backend = await openBackend(flags.backend);
  try {
    const base = await openModel(baseDir, backend);
    const forecasters: Record<string, Forecaster> = {
      "base (zero-shot)": modelForecaster(base, flags),
    };
    if (flags.adapter) {
      const tuned = await loadAdapted(baseDir, flags.adapter, backend);
      forecasters["fine-tuned"] = modelForecaster(tuned.model, flags);
    }
    const context = flags.context ?? base.window.contextLength;
    return await evaluate({ ...flags, context }, io, forecasters);
  } finally {
    await backend.dispose();
  }
}

/** Rows backtest() scores before the given forecasters: seasonal naive, naive, ets (damped). */
const BASELINES = 3;

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
  note?: string,
): Promise<BacktestResult> {
  const { horizon, folds } = flags;
  const context = flags.context ?? 512;
  const series = await loadSeries(flags, {
    minLength: horizon * folds + 1,
    reason: `${folds} folds × horizon ${horizon} + 1 step of history`,
  });
  const names = BASELINES + Object.keys(forecasters).length;
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
      note,
      ...result,
    },
    `${heading}\n${formatBacktest(result)}\nLower is better; /SN is relative to seasonal naive (Chronos's relative score).${note ? `\n(${note})` : ""}`,
  );
  return result;
}
