// `kairos finetune`: LoRA fine-tuning of the base model (default kairos-base-tiny) on a CSV column
// (default the bundled S&P 500 closes, last --years years), with progress on stderr; the adapter,
// a training record and the test-tail scores are written whole into --out. The series is split
// train | validation | test: the validation tail picks the best step, the test tail (never seen by
// either) is what the printed table, metrics.json and the plot report.

import { type BackendName, serializeAdapter } from "@kairos/lora";
import {
  finetune as finetuneModel,
  finetuneSplit,
  type LinearModule,
  minFinetuneLength,
  sequenceLength,
} from "@kairos/train";
import { DEFAULT_BASE, openBackend, resolveBase } from "../base-model.js";
import { contextLength } from "../context-length.js";
import { emit } from "../emit.js";
import { epochSteps } from "../epoch-steps.js";
import { type FitFlag, fitHistory } from "../fit-history.js";
import type { CliIo } from "../io.js";
import { openModel } from "../load-models.js";
import { writeOutputDirectory } from "../output-directory.js";
import { renderForecastPlot } from "../plot/render-forecast-plot.js";
import { createProgress } from "../progress.js";
import { recentYears } from "../recent-years.js";
import { loadSeries, type SeriesFlags } from "../series-input.js";
import { testReport } from "../test-report.js";
import { testTail } from "../test-tail.js";
import { UsageError } from "../usage-error.js";
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
  /** Test tail: a fraction or a step count (default --folds × --horizon). */
  test?: number;
  samples: number;
  /** Values a window sees (default and at most the model's context length). */
  contextLength?: number;
  /** What to do with history beyond one context (default chunk: windows over all of it). */
  fit: FitFlag;
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
    // finetune() left-pads contexts (NaN → PAD, mask 0) down to 8 observed values, as Chronos
    // trains; a test tail of one prediction length follows the one training window.
    const context = contextLength(flags.contextLength, t);
    const shortest = minFinetuneLength({ ...t, contextLength: context });
    const loaded = recentYears(
      await loadSeries(flags, {
        minLength: shortest + t.predictionLength,
        reason: `one training window of ${shortest} + a test tail of the model's prediction length ${t.predictionLength}`,
      }),
      flags.years,
      flags.csv,
    );
    // truncate and downsample keep one full-context training window and one test window.
    const keep = context + 2 * t.predictionLength;
    const fitted = fitHistory(loaded, flags.fit, keep, t.predictionLength);
    const { series } = fitted;
    const { values } = series;
    // The library's validation default (a tenth, at least one prediction window; none on a short
    // series) and the test tail the report backtests.
    const data = {
      batchSize: flags.batchSize,
      contextLength: context,
      test: testTail(flags.test, values.length, { ...t, contextLength: context }, flags),
    };
    const plan = finetuneSplit(values, t, data, "kairos finetune");
    const validates = plan.validation.windows.length > 0;
    const steps =
      flags.maxSteps ?? epochSteps(plan.train.windows.length, flags.epochs ?? 1, flags.batchSize);
    const tokensPerStep = flags.batchSize * sequenceLength({ ...t, contextLength: context });
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
        evalEvery: validates ? Math.max(1, Math.floor(steps / 5)) : 0,
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
    const report = await testReport({
      values,
      timestamps: series.timestamps,
      column: series.column,
      season: series.season,
      horizon: flags.horizon,
      folds: flags.folds,
      contextLength: split.contextLength,
      test: split.test,
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
      contextLength: split.contextLength,
      fit: flags.fit,
      fitted: fitted.description,
      split: {
        train: [split.train.start, split.train.end],
        validation: [split.validation.start, split.validation.end],
        test: [split.test.start, split.test.end],
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
      tail: "test",
      steps: [split.test.start, split.test.end],
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
    const testSteps = split.test.end - split.test.start;
    const table = report
      ? `test tail (last ${testSteps} steps, held out from training and step selection): ${report.folds} folds × horizon ${flags.horizon}, season ${series.season}:\n${formatBacktest(report.result)}`
      : `test tail (${testSteps} steps) shorter than --horizon ${flags.horizon}: no backtest`;
    const validation = validates
      ? evals.join("; ")
      : "no validation tail (series too short): no early stopping";
    emit(
      io,
      flags.json,
      { ...record, metrics },
      [
        ...(fitted.description ? [`--fit ${flags.fit}: ${fitted.description}`] : []),
        `fine-tuned ${baseName} on ${series.column} (${values.length} values, ${record.trainWindows} windows): ${result.steps} steps in ${trainSeconds}s (${record.wallSeconds}s with the test backtest)`,
        `training loss ${record.firstLoss?.toFixed(4)} → ${record.lastLoss?.toFixed(4)}; ${validation}`,
        table,
        `adapter${report ? ", metrics and forecast plot (forecast.png, forecast.svg)" : ""} written to ${flags.out}`,
      ].join("\n"),
    );
    return { record, run, series, values };
  } finally {
    await backend.dispose();
  }
}
