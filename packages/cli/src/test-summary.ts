// Several series' test-tail backtests in one table: each model's MASE and WQL relative to seasonal
// naive on each series, aggregated by geometric mean (Chronos's aggregation across datasets,
// Ansari et al. 2024, §5.2).

import { type BacktestResult, geometricMean } from "@kairos/train";
import { formatTable } from "./format-table.js";

/** A model's aggregate over the series: geometric means of its relative MASE and WQL. */
export interface SummaryRow {
  name: string;
  relativeMase: number;
  relativeWql: number;
}

/** NaN unless every value is positive and finite (a series where seasonal naive scores 0). */
function meanOrNaN(values: number[]): number {
  return values.every((v) => v > 0 && Number.isFinite(v)) ? geometricMean(values) : Number.NaN;
}

/**
 * One row a model (in the first result's order) over `results`, one result a series.
 *
 * @example
 * summarize([spx.result, ndx.result]); // [{ name: "seasonal naive", relativeMase: 1, … }, …]
 */
export function summarize(results: readonly BacktestResult[]): SummaryRow[] {
  return results[0].rows.map(({ name }) => {
    const rows = results.map((r) => r.rows.find((x) => x.name === name));
    const present = rows.filter((r) => r !== undefined);
    return {
      name,
      relativeMase: meanOrNaN(present.map((r) => r.relativeMase)),
      relativeWql: meanOrNaN(present.map((r) => r.relativeWql)),
    };
  });
}

/** The summary as text. */
export function formatSummary(rows: readonly SummaryRow[]): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));
  return formatTable([
    ["model", "MASE/SN", "WQL/SN"],
    ...rows.map((r) => [r.name, f(r.relativeMase), f(r.relativeWql)]),
  ]);
}
