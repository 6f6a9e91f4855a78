// Reads a CSV file's text into named columns for the page: the delimiter is detected from the
// header (as the CLI does), each cell goes through @kairos/train's parseCell (NaN for missing),
// and a column counts as numeric when every non-missing cell is a number.
import { detectDelimiter, parseCell } from "@kairos/train";

/** A parsed CSV: the header names, the raw cells by column and which columns are numeric. */
export interface CsvTable {
  names: string[];
  /** Numeric columns by name (NaN for a missing cell). */
  numeric: Map<string, Float64Array>;
  /** The first column's cells (dates, usually), for axis labels. */
  labels: string[];
}

/** Splits one line on `delimiter`, honouring double quotes (`""` is a quote inside one). */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * Parses CSV text with a header line. Throws a RangeError naming the problem when there is no
 * header, no data row or no numeric column.
 * @example parseCsv("date,close\n2020-01-02,3257.85").numeric.get("close"); // Float64Array [3257.85]
 */
export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) {
    throw new RangeError(
      `parseCsv(): need a header and at least one row, got ${lines.length} lines`,
    );
  }
  const delimiter = detectDelimiter(lines[0]);
  const names = splitLine(lines[0], delimiter).map((n) => n.trim());
  const rows = lines.slice(1).map((l) => splitLine(l, delimiter));
  const numeric = new Map<string, Float64Array>();
  names.forEach((name, c) => {
    const values = new Float64Array(rows.length);
    let numbers = 0;
    for (const [r, row] of rows.entries()) {
      const v = parseCell(row[c] ?? "");
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
