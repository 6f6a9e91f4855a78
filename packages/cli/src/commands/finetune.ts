// `kairos finetune`: LoRA fine-tuning of the base model (default kairos-base-tiny) on a CSV column
// (default the bundled S&P 500 closes, last --years years), with progress on stderr; the adapter and
// a training record are written whole into --out.

import { type BackendName, serializeAdapter } from "@kairos/lora";
import {
  finetune as finetuneModel,
  type LinearModule,
  minFinetuneContext,
  sequenceLength,
} from "@kairos/train";
import { DEFAULT_BASE, openBackend, resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import { epochSteps } from "../epoch-steps.js";
import type { CliIo } from "../io.js";
import { openModel } from "../load-models.js";
import { writeOutputDirectory } from "../output-directory.js";
import { renderForecastPlot } from "../plot/render-forecast-plot.js";
import { createProgress } from "../progress.js";
import { recentYears } from "../recent-years.js";
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
    const minContext = minFinetuneContext(t);
    const series = recentYears(
      await loadSeries(flags, {
        // finetune() left-pads contexts down to minContext steps, as Chronos trains.
        minLength: minContext + t.predictionLength,
        reason: `shortest context ${minContext} + the model's prediction length ${t.predictionLength}`,
      }),
      flags.years,
      flags.csv,
    );
    const { values } = series;
    // The library's default split (a tenth for validation, at least one prediction window).
    const data = { batchSize: flags.batchSize };
    const steps = flags.maxSteps ?? epochSteps(values, t, flags.epochs ?? 1, data);
    const tokensPerStep = flags.batchSize * sequenceLength(t);
    const progress = createProgress(io, "finetune", steps);
    const started = Date.now();
    const evals: string[] = [];
    const run = await finetuneModel(model, values, {
      backend,
      lora: { rank: flags.rank, alpha: flags.alpha, targetModules: flags.targetModules },
      trainer: {
        steps,
        lr: flags.lr,
        warmupSteps: Math.min(20, Math.floor(steps / 10)),
        evalEvery: Math.max(1, Math.floor(steps / 5)),
        onStep: (s) => {
          const seconds = (Date.now() - started) / 1000;
          progress.update(s.step, {
            loss: s.loss.toFixed(4),
            "tok/s": (seconds > 0 ? (s.step * tokensPerStep) / seconds : 0).toFixed(0),
            mem: mib(process.memoryUsage().rss),
          });
        },
        onEval: (e) => void evals.push(`step ${e.step} validation loss ${e.loss.toFixed(4)}`),
      },
      memory: {
        memoryBudget: flags.memoryBudget,
        checkpointing: flags.checkpointing === "auto" ? undefined : flags.checkpointing,
      },
      data,
      seed: flags.seed,
    });
    progress.stop();
    const trainSeconds = Number(((Date.now() - started) / 1000).toFixed(1));
    const { result, split } = run;
    run.lora.setTraining(false);
    const zeroShot = await openModel(baseDir, backend);
    const report = await validationReport({
      values,
      timestamps: series.timestamps,
      column: series.column,
      season: series.season,
      horizon: flags.horizon,
      folds: flags.folds,
      validation: split.validation,
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
      split: {
        train: [split.train.start, split.train.end],
        validation: [split.validation.start, split.validation.end],
      },
      trainWindows: split.train.windows.length,
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
      : `validation tail (${split.validation.end - split.validation.start} steps) shorter than --horizon ${flags.horizon}: no backtest`;
    emit(
      io,
      flags.json,
      { ...record, metrics },
      [
        `fine-tuned ${baseName} on ${series.column} (${values.length} values, ${record.trainWindows} windows): ${result.steps} steps in ${trainSeconds}s (${record.wallSeconds}s with the validation backtest)`,
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
