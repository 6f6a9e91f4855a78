// The series `kairos finetune` trains one adapter on: each `--csv` file × each `--column` (the
// bundled S&P 500 closes when neither is given), each cut to `--years` (bundled data only) and
// fitted by `--fit`. Every series must hold one training window and a test window.

import { minFinetuneLength, type WindowShape } from "@kairos/train";
import { contextLength, predictionLength } from "./context-length.js";
import { type FitFlag, fitHistory } from "./fit-history.js";
import { recentYears } from "./recent-years.js";
import { loadSeries, type SeriesInput } from "./series-input.js";
import { testTail } from "./test-tail.js";

/** The series flags of `kairos finetune`: `--csv` and `--column` may repeat. */
export interface FinetuneSeriesFlags {
  csv?: string[];
  column?: string[];
  date?: string;
  season?: number;
  years: number;
  fit: FitFlag;
}

/** A series to fine-tune on, with what `--fit` did to it (null: unchanged). */
export interface FinetuneSeries extends SeriesInput {
  fitted: string | null;
}

/**
 * Loads every `--csv` × `--column` series for a model with `tokenizer` seeing `contextLength`.
 *
 * @example
 * const list = await finetuneSeries({ csv: ["a.csv"], column: ["x", "y"], years: 5, fit: "chunk" }, t, 128);
 */
export async function finetuneSeries(
  flags: FinetuneSeriesFlags,
  tokenizer: WindowShape,
  contextLength: number,
): Promise<FinetuneSeries[]> {
  // finetune() left-pads contexts (NaN → PAD, mask 0) down to 8 observed values, as Chronos
  // trains; a test tail of one prediction length follows the one training window.
  const pl = tokenizer.predictionLength;
  const shortest = minFinetuneLength({ ...tokenizer, contextLength });
  const need = {
    minLength: shortest + pl,
    reason: `one training window of ${shortest} + a test tail of the model's prediction length ${pl}`,
  };
  // truncate and downsample keep one full-context training window and one test window.
  const keep = contextLength + 2 * pl;
  const list: FinetuneSeries[] = [];
  for (const csv of flags.csv ?? [undefined]) {
    for (const column of flags.column ?? [undefined]) {
      const one = { csv, column, date: flags.date, season: flags.season };
      const loaded = recentYears(await loadSeries(one, need), flags.years, csv);
      const { series, description } = fitHistory(loaded, flags.fit, keep, pl);
      list.push({ ...series, fitted: description });
    }
  }
  return list;
}

/** The flags that say how a fine-tune's series are cut: the series, windows and test tail. */
export interface FinetuneDataFlags extends FinetuneSeriesFlags {
  /** Values a window sees (default and at most the model's context length). */
  contextLength?: number;
  /** Target steps a window holds (default and at most the model's prediction length). */
  predictionLength?: number;
  /** Test tail: a fraction or a step count (default --folds × --horizon). */
  test?: number;
  horizon: number;
  folds: number;
}

/**
 * The series of `kairos finetune` (and `kairos export-windows`) and the `data` options that cut
 * them into windows: the context and target lengths, and the test tail the report backtests (the
 * shortest series' default for all; the library's validation default stands).
 */
export async function finetuneData(flags: FinetuneDataFlags, settings: WindowShape) {
  const context = contextLength(flags.contextLength, settings);
  const targets = predictionLength(flags.predictionLength, settings);
  // The windows' shape: the series' needs and the held-out parts are measured in its targets.
  const t = { contextLength: context, predictionLength: targets };
  const inputs = await finetuneSeries(flags, t, context);
  const test = Math.min(...inputs.map((s) => testTail(flags.test, s.values.length, t, flags)));
  return { inputs, data: { contextLength: context, predictionLength: targets, test } };
}
