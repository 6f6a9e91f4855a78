// `kairos finetune`: LoRA fine-tuning of the base model (default kairos-base-tiny) on one or more
// CSV columns (default the bundled S&P 500 closes, last --years years), with progress on stderr;
// the adapter, a training record and the test-tail scores are written whole into --out. Each
// series is split train | validation | test on its own: the validation tails pick the best step,
// the test tails (never seen by either) are what the printed tables, metrics.json and the plot
// report — per series, and as a geometric mean over several.

import { type BackendName, serializeAdapter } from "@kairos/lora";
import { type BacktestResult, finetune as finetuneModel, finetuneSplit } from "@kairos/train";
import { DEFAULT_BASE, openBackend, recordedBase, resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import { epochSteps } from "../epoch-steps.js";
import { readFinetuneCheckpoint, writeFinetuneCheckpoint } from "../finetune-checkpoint.js";
import { type FinetuneDataFlags, finetuneData } from "../finetune-series.js";
import type { CliIo } from "../io.js";
import { openModel, targetModules } from "../load-models.js";
import { writeOutputDirectory } from "../output-directory.js";
import { renderForecastPlot } from "../plot/render-forecast-plot.js";
import { createProgress } from "../progress.js";
import { testReport } from "../test-report.js";
import { formatSummary, summarize } from "../test-summary.js";
import { UsageError } from "../usage-error.js";
import { formatBacktest } from "./evaluate.js";

/** Flags of `kairos finetune`. */
export interface FinetuneFlags extends FinetuneDataFlags {
  rank: number;
  alpha: number;
  /** Module names to adapt (default the model family's: q,k,v,o projections). */
  targetModules?: string[];
  epochs?: number;
  maxSteps?: number;
  lr: number;
  batchSize: number;
  gradientAccumulation: number;
  /** Warmup steps (default min(20, steps / 10)). */
  warmup?: number;
  schedule: "cosine" | "linear" | "constant";
  weightDecay: number;
  loraDropout: number;
  /** Steps between evaluations (default steps / 5). */
  evalEvery?: number;
  patience?: number;
  /** Steps between checkpoints written into --out/checkpoint. */
  checkpointEvery?: number;
  /** An output directory whose checkpoint to continue from. */
  resume?: string;
  memoryBudget?: number;
  checkpointing?: "auto" | "none" | "sqrt" | "optimal";
  backend?: BackendName;
  base?: string;
  out: string;
  seed: number;
  samples: number;
  json?: boolean;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)}MiB`;

/** Runs `kairos finetune`. */
export async function finetune(flags: FinetuneFlags, io: CliIo) {
  if (flags.epochs !== undefined && flags.maxSteps !== undefined) {
    throw new UsageError("give --epochs or --max-steps, not both");
  }
  const baseDir = await resolveBase(flags.base, io);
  const backend = await openBackend(flags.backend);
  try {
    const model = await openModel(baseDir, backend);
    const settings = model.window;
    const targets = targetModules(model, flags.targetModules);
    const { inputs, data: split } = await finetuneData(flags, settings);
    const { contextLength: context, predictionLength: targetSteps } = split;
    const list = inputs.map((s) => s.values);
    const data = { batchSize: flags.batchSize, ...split };
    const plans = list.map((v) => finetuneSplit(v, settings, data, "kairos finetune"));
    const trainWindows = plans.reduce((n, p) => n + p.train.windows.length, 0);
    const validates = plans.some((p) => p.validation.windows.length > 0);
    const perStep = flags.batchSize * flags.gradientAccumulation;
    const steps = flags.maxSteps ?? epochSteps(trainWindows, flags.epochs ?? 1, perStep);
    if (flags.warmup !== undefined && flags.warmup >= steps) {
      throw new UsageError(`--warmup must be fewer than the ${steps} steps, got ${flags.warmup}`);
    }
    const tokensPerStep = perStep * model.positions(context);
    const resume = flags.resume ? await readFinetuneCheckpoint(flags.resume, steps) : undefined;
    const progress = createProgress(io, "finetune", steps);
    const started = Date.now();
    let stepSeconds = 0; // summed over the steps of this run
    let stepsRun = 0;
    const tokensPerSecond = () => (stepSeconds > 0 ? (stepsRun * tokensPerStep) / stepSeconds : 0);
    const evals: string[] = [];
    const run = await finetuneModel(model, list, {
      backend,
      lora: {
        rank: flags.rank,
        alpha: flags.alpha,
        targetModules: targets,
        dropout: flags.loraDropout,
      },
      trainer: {
        steps,
        lr: flags.lr,
        warmupSteps: flags.warmup ?? Math.min(20, Math.floor(steps / 10)),
        decay: flags.schedule,
        weightDecay: flags.weightDecay,
        gradientAccumulation: flags.gradientAccumulation,
        evalEvery: validates ? (flags.evalEvery ?? Math.max(1, Math.floor(steps / 5))) : 0,
        patience: validates ? flags.patience : undefined,
        checkpointEvery: flags.checkpointEvery ?? 0,
        onCheckpoint: (c) => writeFinetuneCheckpoint(flags.out, c),
        onStep: (s) => {
          // Training throughput: the steps' own time, not the planning before the first step
          // nor the validation passes between steps (those show in the total time printed).
          stepSeconds += s.ms / 1000;
          stepsRun = s.step - (resume?.step ?? 0);
          progress.update(s.step, {
            loss: s.loss.toFixed(4),
            "tok/s": tokensPerSecond().toFixed(0),
            mem: mib(process.memoryUsage().rss),
          });
        },
        onEval: (e) =>
          void evals.push(
            `${e.step === 0 ? "base model" : `step ${e.step}`} validation loss ${e.loss.toFixed(4)}`,
          ),
      },
      memory: {
        memoryBudget: flags.memoryBudget,
        checkpointing: flags.checkpointing === "auto" ? undefined : flags.checkpointing,
      },
      data,
      seed: flags.seed,
      resume,
    });
    progress.stop();
    const trainSeconds = Number(((Date.now() - started) / 1000).toFixed(1));
    // The whole process's peak resident set so far (weights, data, training), as PyTorch's
    // getrusage figure in the benchmark's peer row: maxRSS is in KiB.
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const { result, splits } = run;
    run.lora.setTraining(false);
    const zeroShot = await openModel(baseDir, backend);
    const reports: Awaited<ReturnType<typeof testReport>>[] = [];
    for (const [i, series] of inputs.entries()) {
      reports.push(
        await testReport({
          values: series.values,
          timestamps: series.timestamps,
          column: series.column,
          season: series.season,
          horizon: flags.horizon,
          folds: flags.folds,
          contextLength: context,
          test: splits[i].test,
          zeroShot,
          fineTuned: run.model,
          samples: flags.samples,
          seed: flags.seed,
        }),
      );
    }
    const perSeries = inputs.map((s, i) => ({
      file: s.file,
      column: s.column,
      values: s.values.length,
      fitted: s.fitted,
      split: {
        train: [splits[i].train.start, splits[i].train.end],
        validation: [splits[i].validation.start, splits[i].validation.end],
        test: [splits[i].test.start, splits[i].test.end],
      },
      trainWindows: splits[i].train.windows.length,
    }));
    const record = {
      base: baseDir,
      ...perSeries[0],
      series: perSeries,
      contextLength: context,
      predictionLength: targetSteps,
      fit: flags.fit,
      trainWindows,
      validationWindows: run.validationWindows,
      steps: result.steps,
      tokens: result.steps * tokensPerStep,
      rank: flags.rank,
      alpha: flags.alpha,
      targetModules: targets,
      lr: flags.lr,
      seed: flags.seed,
      backend: backend.name,
      plannedPeakBytes: run.plannedPeakBytes,
      firstLoss: result.losses[0],
      lastLoss: result.losses[result.losses.length - 1],
      evalLosses: result.evalLosses,
      bestEvalLoss: result.bestEvalLoss,
      bestStep: result.bestStep,
      stoppedEarly: result.stoppedEarly,
      loraDropout: flags.loraDropout,
      weightDecay: flags.weightDecay,
      schedule: flags.schedule,
      gradientAccumulation: flags.gradientAccumulation,
      patience: flags.patience ?? null,
      resumedFrom: resume ? resume.step : null,
      losses: result.losses,
      trainSeconds,
      tokensPerStep,
      tokensPerSecond: Math.round(tokensPerSecond()),
      peakRssBytes,
      wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    const baseName = flags.base ?? DEFAULT_BASE;
    const adapter = run.lora.adapter();
    adapter.config = { ...adapter.config, ...recordedBase(flags.base, baseDir) };
    const files = serializeAdapter(adapter);
    const scored = reports.flatMap((r, i) =>
      r ? [{ i, report: r, metrics: seriesMetrics(inputs[i], splits[i].test, r) }] : [],
    );
    const summary = scored.length > 1 ? summarize(scored.map((s) => s.report.result)) : null;
    const metrics =
      scored.length === 0
        ? null
        : inputs.length === 1
          ? { tail: "test", horizon: flags.horizon, ...scored[0].metrics }
          : {
              tail: "test",
              horizon: flags.horizon,
              series: scored.map((s) => s.metrics),
              geometricMean: summary,
            };
    const plotted = scored[0]?.report;
    await writeOutputDirectory(
      flags.out,
      {
        ...files,
        "training.json": `${JSON.stringify(record, null, 2)}\n`,
        ...(metrics ? { "metrics.json": `${JSON.stringify(metrics, null, 2)}\n` } : {}),
      },
      async (put) => {
        if (!plotted) return;
        await put("forecast.svg", await renderForecastPlot(plotted.plot, "svg"));
        await put("forecast.png", await renderForecastPlot(plotted.plot, "png"));
      },
    );
    const tables = inputs.map((s, i) => {
      const r = reports[i];
      const steps = splits[i].test.end - splits[i].test.start;
      const who = inputs.length > 1 ? `${s.column} (${s.file}) ` : "";
      return r
        ? `${who}test tail (last ${steps} steps, held out from training and step selection): ${r.folds} folds × horizon ${flags.horizon}, season ${s.season}:\n${formatBacktest(r.result)}`
        : `${who}test tail (${steps} steps) shorter than --horizon ${flags.horizon}: no backtest`;
    });
    if (summary)
      tables.push(
        `geometric mean over ${scored.length} series' test tails:\n${formatSummary(summary)}`,
      );
    const best =
      result.bestStep === null
        ? ""
        : result.bestStep === 0
          ? "; no step beat the base model's validation loss: the adapter is left at its start (the base model)"
          : `; best step ${result.bestStep} restored`;
    const stopped = result.stoppedEarly ? `; stopped early (--patience ${flags.patience})` : "";
    const validation = validates
      ? `${evals.join("; ")}${best}${stopped}`
      : "no validation tail (series too short): no early stopping";
    const names = inputs.map((s) => s.column).join(", ");
    const values = list.reduce((n, v) => n + v.length, 0);
    emit(
      io,
      flags.json,
      { ...record, metrics },
      [
        ...inputs.flatMap((s) =>
          s.fitted ? [`--fit ${flags.fit}: ${s.column}: ${s.fitted}`] : [],
        ),
        `fine-tuned ${baseName} on ${names} (${values} values, ${trainWindows} windows): ${result.steps} steps in ${trainSeconds}s (${record.wallSeconds}s with the test backtest)`,
        `training loss ${record.firstLoss?.toFixed(4)} → ${record.lastLoss?.toFixed(4)}; ${validation}`,
        ...tables,
        `adapter${plotted ? ", metrics and forecast plot (forecast.png, forecast.svg)" : ""} written to ${flags.out}`,
      ].join("\n"),
    );
    return { record, run, inputs };
  } finally {
    await backend.dispose();
  }
}

/** One series' entry of metrics.json. */
function seriesMetrics(
  series: { file: string; column: string; season: number },
  test: { start: number; end: number },
  report: { folds: number; result: BacktestResult },
) {
  return {
    file: series.file,
    column: series.column,
    steps: [test.start, test.end],
    folds: report.folds,
    season: series.season,
    ...report.result,
  };
}
