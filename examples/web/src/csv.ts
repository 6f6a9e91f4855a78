// Reads a CSV file's text into named columns for the page, with csv-parse's browser build (quotes,
// `""` escapes and CRLF handled there). The delimiter is the one among , ; tab | that splits the
// header into the most fields; a missing cell (empty, NA, N/A, NaN, null) reads as NaN, and a
// column counts as numeric when every other cell is a finite number.
import { parse } from "csv-parse/browser/esm/sync";

/** A parsed CSV: the header names, the raw cells by column and which columns are numeric. */
export interface CsvTable {
  names: string[];
  /** Numeric columns by name (NaN for a missing cell). */
  numeric: Map<string, Float64Array>;
  /** The first column's cells (dates, usually), for axis labels. */
  labels: string[];
}

const CANDIDATES = [",", ";", "\t", "|"];
const MISSING = /^(|na|n\/a|nan|null)$/i;

/** The candidate delimiter that splits `header` into the most fields (ties: the earlier one). */
function delimiterOf(header: string): string {
  let best = CANDIDATES[0];
  let most = 0;
  for (const delimiter of CANDIDATES) {
    const [fields = []] = parse(header, { delimiter, relax_quotes: true }) as string[][];
    if (fields.length > most) [best, most] = [delimiter, fields.length];
  }
  return best;
}

/** A cell as a number: NaN when missing, undefined when it is not a number. */
function numberOf(cell: string): number | undefined {
  const s = cell.trim();
  if (MISSING.test(s)) return Number.NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Parses CSV text with a header line. Throws a RangeError naming the problem when there is no
 * header, no data row or no numeric column.
 * @example parseCsv("date,close\n2020-01-02,3257.85").numeric.get("close"); // Float64Array [3257.85]
 */
export function parseCsv(text: string): CsvTable {
  const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const records = parse(text, {
    delimiter: delimiterOf(header),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as string[][];
  if (records.length < 2) {
    throw new RangeError(
      `parseCsv(): need a header and at least one row, got ${records.length} lines`,
    );
  }
  const names = records[0].map((n) => n.trim());
  const rows = records.slice(1);
  const numeric = new Map<string, Float64Array>();
  names.forEach((name, c) => {
    const values = new Float64Array(rows.length);
    let numbers = 0;
    for (const [r, row] of rows.entries()) {
      const v = numberOf(row[c] ?? "");
      if (v === undefined) return; // a non-numeric cell: not a numeric column
      values[r] = v;
      if (!Number.isNaN(v)) numbers++;
    }
    if (numbers > 0) numeric.set(name, values);
  });
  if (numeric.size === 0) {
    throw new RangeError(`parseCsv(): no numeric column among ${names.join(", ")}`);
  }
  return { names, numeric, labels: rows.map((row) => row[0] ?? "") };
}
