// `kairos finetune`: LoRA fine-tuning of the base model (default kairos-base-tiny) on a CSV column
// (default the bundled S&P 500 closes, last five years), with progress on stderr; the adapter and
// a training record are written whole into --out.

import { type BackendName, serializeAdapter } from "@kairos/lora";
import { finetune as finetuneModel, type LinearModule, sequenceLength } from "@kairos/train";
import { DEFAULT_BASE, openBackend, resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import { epochSteps } from "../epoch-steps.js";
import type { CliIo } from "../io.js";
import { openModel } from "../load-models.js";
import { writeOutputDirectory } from "../output-directory.js";
import { renderForecastPlot } from "../plot/render-forecast-plot.js";
import { createProgress } from "../progress.js";
import { loadSeries, type SeriesFlags } from "../series-input.js";
import { UsageError } from "../usage-error.js";
import { validationReport } from "../validation-report.js";
import { formatBacktest } from "./evaluate.js";

/** Flags of `kairos finetune`. */
export interface FinetuneFlags extends SeriesFlags {
  rank: number;
  alpha: number;
  targetModules: LinearModule[];
  epochs?: number;
  maxSteps?: number;
  lr: number;
  batchSize: number;
  memoryBudget?: number;
  checkpointing?: "auto" | "none" | "sqrt" | "optimal";
  backend?: BackendName;
  base?: string;
  out: string;
  seed: number;
  years: number;
  horizon: number;
  folds: number;
  samples: number;
  json?: boolean;
}

/** Trading days in `years` years of daily business data (the bundled S&P 500). */
const TRADING_DAYS_A_YEAR = 252;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)}MiB`;

/** Runs `kairos finetune`. */
export async function finetune(flags: FinetuneFlags, io: CliIo) {
  if (flags.epochs !== undefined && flags.maxSteps !== undefined) {
    throw new UsageError("give --epochs or --max-steps, not both");
  }
  const baseDir = resolveBase(flags.base);
  const backend = await openBackend(flags.backend);
  try {
    const model = await openModel(baseDir, backend);
    const t = model.config.tokenizer;
    if (!t)
      throw new Error(`${baseDir}/config.json has no chronos_config: not a forecasting model`);
    const series = await loadSeries(flags, {
      // finetune() left-pads contexts down to min(context, 32) steps, as Chronos trains.
      minLength: Math.min(t.contextLength, 32) + t.predictionLength,
      reason: `shortest context ${Math.min(t.contextLength, 32)} + the model's prediction length ${t.predictionLength}`,
    });
    // The bundled history is 20 years; the main job fine-tunes on its last `--years` (default 5).
    const keep = flags.csv
      ? series.values.length
      : Math.min(series.values.length, flags.years * TRADING_DAYS_A_YEAR);
    const values = series.values.subarray(series.values.length - keep);
    // A tenth of the history for validation, but at least one prediction window of it.
    const validationSteps = Math.max(Math.round(0.1 * values.length), t.predictionLength);
    const steps =
      flags.maxSteps ?? epochSteps(values, t, flags.epochs ?? 1, flags.batchSize, validationSteps);
    const tokensPerStep = flags.batchSize * sequenceLength(t);
    const progress = createProgress(io, "finetune", steps);
    const started = Date.now();
    const evals: string[] = [];
    const run = await finetuneModel(model, values, {
      validation: validationSteps,
      backend,
      steps,
      lr: flags.lr,
      warmupSteps: Math.min(20, Math.floor(steps / 10)),
      batchSize: flags.batchSize,
      rank: flags.rank,
      alpha: flags.alpha,
      targetModules: flags.targetModules,
      memoryBudget: flags.memoryBudget,
      checkpointing: flags.checkpointing === "auto" ? undefined : flags.checkpointing,
      evalEvery: Math.max(1, Math.floor(steps / 5)),
      seed: flags.seed,
      onStep: (s) => {
        const seconds = (Date.now() - started) / 1000;
        progress.update(s.step, {
          loss: s.loss.toFixed(4),
          "tok/s": (seconds > 0 ? (s.step * tokensPerStep) / seconds : 0).toFixed(0),
          mem: mib(process.memoryUsage().rss),
        });
      },
      onEval: (e) => void evals.push(`step ${e.step} validation loss ${e.loss.toFixed(4)}`),
    });
    progress.stop();
    const trainSeconds = Number(((Date.now() - started) / 1000).toFixed(1));
    const { result } = run;
    run.lora.setTraining(false);
    const zeroShot = await openModel(baseDir, backend);
    const report = await validationReport({
      values,
      timestamps: series.timestamps
        ? series.timestamps.subarray(series.timestamps.length - keep)
        : null,
      column: series.column,
      season: series.season,
      horizon: flags.horizon,
      folds: flags.folds,
      validationSteps,
      zeroShot,
      fineTuned: run.lora.base,
      samples: flags.samples,
      seed: flags.seed,
    });
    const record = {
      base: baseDir,
      file: series.file,
      column: series.column,
      values: values.length,
      trainWindows: run.trainWindows,
      validationWindows: run.validationWindows,
      steps: result.steps,
      tokens: result.steps * tokensPerStep,
      rank: flags.rank,
      alpha: flags.alpha,
      targetModules: flags.targetModules,
      lr: flags.lr,
      seed: flags.seed,
      backend: backend.name,
      plannedPeakBytes: run.plannedPeakBytes,
      firstLoss: result.losses[0],
      lastLoss: result.losses[result.losses.length - 1],
      evalLosses: result.evalLosses,
      bestEvalLoss: result.bestEvalLoss,
      trainSeconds,
      wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    const baseName = flags.base ?? DEFAULT_BASE;
    const files = serializeAdapter(run.lora.adapter(baseName));
    const metrics = report && {
      horizon: flags.horizon,
      folds: report.folds,
      season: series.season,
      ...report.result,
    };
    await writeOutputDirectory(
      flags.out,
      {
        ...files,
        "training.json": `${JSON.stringify(record, null, 2)}\n`,
        ...(metrics ? { "metrics.json": `${JSON.stringify(metrics, null, 2)}\n` } : {}),
      },
      async (put) => {
        if (!report) return;
        await put("forecast.svg", await renderForecastPlot(report.plot, "svg"));
        await put("forecast.png", await renderForecastPlot(report.plot, "png"));
      },
    );
    const table = report
      ? `validation backtest, ${report.folds} folds × horizon ${flags.horizon}, season ${series.season}:\n${formatBacktest(report.result)}`
      : `validation tail (${validationSteps} steps) shorter than --horizon ${flags.horizon}: no backtest`;
    emit(
      io,
      flags.json,
      { ...record, metrics },
      [
        `fine-tuned ${baseName} on ${series.column} (${values.length} values, ${run.trainWindows} windows): ${result.steps} steps in ${trainSeconds}s (${record.wallSeconds}s with the validation backtest)`,
        `training loss ${record.firstLoss?.toFixed(4)} → ${record.lastLoss?.toFixed(4)}; ${evals.join("; ") || "no validation"}`,
        table,
        `adapter${report ? ", metrics and forecast plot (forecast.png, forecast.svg)" : ""} written to ${flags.out}`,
      ].join("\n"),
    );
    return { record, run, series, values };
  } finally {
    await backend.dispose();
  }
}
