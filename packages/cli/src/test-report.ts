// After fine-tuning: a backtest on the validation tail (which training never saw as targets) of
// the base model zero-shot, the fine-tuned model and the baselines (seasonal naive, naive,
// damped-trend ETS, which backtest() always scores), and a plot of the
// fine-tuned forecast of the last fold against what happened.

import { type BacktestResult, backtest, forecast, type LlamaModel } from "@kairos/train";
import type { TopLevelSpec } from "vega-lite";
import { modelForecaster, type SamplingFlags } from "./load-models.js";
import { forecastPlotSpec } from "./plot/forecast-plot-spec.js";

/** What to score and draw. */
export interface ValidationInput extends SamplingFlags {
  values: Float64Array;
  /** Timestamps of `values`, or null. */
  timestamps: Float64Array | null;
  column: string;
  season: number;
  horizon: number;
  /** Folds wanted; fewer when the validation tail is shorter. */
  folds: number;
  /** The validation part of the split `finetune()` trained with (`split.validation`). */
  validation: { start: number; end: number };
  zeroShot: LlamaModel;
  fineTuned: LlamaModel;
  /** Side effect per finished fold (progress). */
  onFold?: (name: string, fold: number, folds: number) => void;
}

/** The backtest table and the plot spec, or null when the validation tail is shorter than a horizon. */
export async function validationReport(
  input: ValidationInput,
): Promise<{ result: BacktestResult; folds: number; plot: TopLevelSpec } | null> {
  const { values, horizon } = input;
  const steps = input.validation.end - input.validation.start;
  const folds = Math.min(input.folds, Math.floor(steps / horizon));
  if (folds < 1) return null;
  const context = input.fineTuned.config.tokenizer?.contextLength ?? 512;
  const result = await backtest(values, {
    contextLength: context,
    horizon,
    folds,
    season: input.season,
    forecasters: {
      "base (zero-shot)": modelForecaster(input.zeroShot, input),
      "fine-tuned": modelForecaster(input.fineTuned, input),
    },
    onFold: input.onFold,
  });
  const cut = values.length - horizon;
  const f = await forecast(input.fineTuned, values.subarray(Math.max(0, cut - context), cut), {
    horizon,
    samples: input.samples,
    seed: input.seed,
  });
  const stamps = input.timestamps;
  const plot = forecastPlotSpec({
    history: values.subarray(0, cut),
    historyTimes: stamps ? stamps.subarray(0, cut) : undefined,
    forecast: f,
    forecastTimes: stamps ? stamps.subarray(cut) : undefined,
    actual: values.subarray(cut),
    title: `${input.column}: fine-tuned ${horizon}-step forecast of the last validation window`,
  });
  return { result, folds, plot };
}
