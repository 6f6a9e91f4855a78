// After fine-tuning: a backtest on the held-out test tail — never trained on, and not the
// validation tail that picked the best step, so its scores are an honest estimate — of the base
// model zero-shot, the fine-tuned model and the baselines (seasonal naive, naive, damped-trend ETS,
// which backtest() always scores), and a plot of the fine-tuned forecast of the last fold against
// what happened. Fold contexts look back into the earlier parts, as a rolling-origin backtest does.

import { type BacktestResult, backtest } from "@kairos/train";
import type { TopLevelSpec } from "vega-lite";
import { type BaseModel, modelForecaster, type SamplingFlags } from "./load-models.js";
import { forecastPlotSpec } from "./plot/forecast-plot-spec.js";

/** What to score and draw. */
export interface TestInput extends SamplingFlags {
  values: Float64Array;
  /** Timestamps of `values`, or null. */
  timestamps: Float64Array | null;
  column: string;
  season: number;
  horizon: number;
  /** Folds wanted; fewer when the test tail is shorter. */
  folds: number;
  /** Values each model forecast sees (the fine-tune's context length). */
  contextLength: number;
  /** The test part of the split `finetune()` trained with (`split.test`); it ends the series. */
  test: { start: number; end: number };
  zeroShot: BaseModel;
  fineTuned: BaseModel;
  /** Side effect per finished fold (progress). */
  onFold?: (name: string, fold: number, folds: number) => void;
}

/** The backtest table and the plot spec, or null when the test tail is shorter than a horizon. */
export async function testReport(
  input: TestInput,
): Promise<{ result: BacktestResult; folds: number; plot: TopLevelSpec } | null> {
  const { values, horizon, contextLength: context } = input;
  const steps = input.test.end - input.test.start;
  const folds = Math.min(input.folds, Math.floor(steps / horizon));
  if (folds < 1) return null;
  const result = await backtest(values.subarray(0, input.test.end), {
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
  const cut = input.test.end - horizon;
  const f = await input.fineTuned.forecast(values.subarray(Math.max(0, cut - context), cut), {
    horizon,
    samples: input.samples,
    seed: input.seed,
  });
  const stamps = input.timestamps;
  const plot = forecastPlotSpec({
    history: values.subarray(0, cut),
    historyTimes: stamps ? stamps.subarray(0, cut) : undefined,
    forecast: f,
    forecastTimes: stamps ? stamps.subarray(cut, input.test.end) : undefined,
    actual: values.subarray(cut, input.test.end),
    title: `${input.column}: fine-tuned ${horizon}-step forecast of the last test window (held out)`,
  });
  return { result, folds, plot };
}
