// Reads named numeric columns (and an optional date column) from a CSV file, streamed record by
// record through csv-parse so a large file never sits in memory as text. Node only.

import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { CsvInputError } from "./csv-input-error.js";
import { detectDelimiter } from "./detect-delimiter.js";
import { parseCell } from "./parse-cell.js";

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /** Value columns to read. Default: the single column that is not the date column. */
  columns?: readonly string[];
  /** Date column; default: one named date, time, timestamp, datetime or ds if present; null: none. */
  date?: string | null;
  /** Every column must have at least this many rows. */
  minLength?: number;
  /** Why `minLength` (said in the error), e.g. "context 512 + horizon 20". */
  minLengthReason?: string;
}

/** What {@link readCsv} returns. */
export interface CsvSeries {
  file: string;
  /** Every column name of the header, in file order. */
  header: string[];
  dateColumn: string | null;
  /** The date cells as written; empty without a date column. */
  dates: string[];
  /** The dates in ms since the epoch; empty without a date column. */
  timestamps: Float64Array;
  /** Each chosen column's values, NaN where a cell is missing, one per data row. */
  values: Map<string, Float64Array>;
}

const DATE_NAMES = /^(date|time|timestamp|datetime|ds)$/i;

async function firstLine(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\uFEFF/, "");
    return text.split(/\r?\n|\r/).find((l) => l.trim() !== "") ?? "";
  } finally {
    await handle.close();
  }
}

function pickColumns(file: string, header: string[], opts: ReadCsvOptions) {
  const unknown = (name: string) =>
    new CsvInputError(
      { file, column: name },
      `no such column; available: ${header.join(", ")}`,
      "unknown-column",
    );
  let dateColumn: string | null = null;
  if (opts.date === undefined) dateColumn = header.find((h) => DATE_NAMES.test(h)) ?? null;
  else if (opts.date !== null) {
    if (!header.includes(opts.date)) throw unknown(opts.date);
    dateColumn = opts.date;
  }
  let columns = opts.columns;
  if (columns === undefined || columns.length === 0) {
    const rest = header.filter((h) => h !== dateColumn);
    if (rest.length !== 1) {
      throw new CsvInputError(
        { file },
        `choose a column with --column; available: ${rest.join(", ")}`,
        "unknown-column",
      );
    }
    columns = rest;
  }
  for (const c of columns) if (!header.includes(c)) throw unknown(c);
  return { dateColumn, columns };
}

/**
 * Reads a CSV with a header line: delimiter detected among , ; tab |, missing cells as NaN.
 * Errors are {@link CsvInputError}s naming file, row and column: an empty or header-only file, a
 * non-numeric cell, an unparseable or non-increasing date, an all-missing column, too few rows.
 *
 * @example
 * const s = await readCsv("data/sp500-2000.csv", { columns: ["close"], minLength: 532 });
 * s.values.get("close"); // Float64Array of 5104 closes
 */
export async function readCsv(file: string, opts: ReadCsvOptions = {}): Promise<CsvSeries> {
  let headerLine: string;
  try {
    headerLine = await firstLine(file);
  } catch (e) {
    throw new CsvInputError({ file }, `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  if (headerLine === "") throw new CsvInputError({ file }, "is empty; expected a header line");
  let header: string[] = [];
  let picked: ReturnType<typeof pickColumns> | undefined;
  let indices: number[] = [];
  let dateIndex = -1;
  const dates: string[] = [];
  const stamps: number[] = [];
  let cols: number[][] = [];
  // Each record is handled inside on_record and dropped, which is several times faster than
  // iterating the parser's output; `lines` is the record's line number, counting the header as 1.
  const onRecord = (record: string[], row: number) => {
    if (picked === undefined) {
      header = record.map((h) => h.trim());
      picked = pickColumns(file, header, opts);
      indices = picked.columns.map((c) => header.indexOf(c));
      dateIndex = picked.dateColumn === null ? -1 : header.indexOf(picked.dateColumn);
      cols = picked.columns.map(() => []);
      return;
    }
    if (record.length > header.length) {
      throw new CsvInputError(
        { file, row },
        `has ${record.length} fields, the header ${header.length}`,
      );
    }
    if (dateIndex >= 0)
      readDate(file, row, header[dateIndex], record[dateIndex] ?? "", dates, stamps);
    for (let j = 0; j < indices.length; j++) {
      const k = indices[j];
      const v = parseCell(record[k] ?? "");
      if (v === undefined) {
        throw new CsvInputError({ file, row, column: header[k] }, `not a number: "${record[k]}"`);
      }
      cols[j].push(v);
    }
  };
  let failure: unknown;
  const parser = parse({
    delimiter: detectDelimiter(headerLine),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    on_record: (record: string[], context) => {
      if (failure === undefined) {
        try {
          onRecord(record, context.lines);
        } catch (e) {
          failure = e;
        }
      }
      return null;
    },
  });
  try {
    await pipeline(createReadStream(file), parser);
  } catch (e) {
    throw new CsvInputError({ file }, (e as Error).message);
  }
  if (failure !== undefined) throw failure;
  if (picked === undefined) throw new CsvInputError({ file }, "is empty; expected a header line");
  const values = new Map(picked.columns.map((c, j) => [c, Float64Array.from(cols[j])]));
  checkColumns(file, values, opts);
  return {
    file,
    header,
    dateColumn: picked.dateColumn,
    dates,
    timestamps: Float64Array.from(stamps),
    values,
  };
}

function readDate(
  file: string,
  row: number,
  column: string,
  cell: string,
  dates: string[],
  stamps: number[],
) {
  const t = Date.parse(cell.trim());
  if (Number.isNaN(t)) throw new CsvInputError({ file, row, column }, `not a date: "${cell}"`);
  const prev = stamps[stamps.length - 1];
  if (prev !== undefined && !(t > prev)) {
    throw new CsvInputError(
      { file, row, column },
      `dates must increase; "${cell}" is not after "${dates[dates.length - 1]}"`,
    );
  }
  dates.push(cell.trim());
  stamps.push(t);
}

function checkColumns(file: string, values: Map<string, Float64Array>, opts: ReadCsvOptions) {
  for (const [column, v] of values) {
    if (v.length === 0) throw new CsvInputError({ file }, "has a header but no data rows");
    if (v.every(Number.isNaN)) {
      throw new CsvInputError({ file, column }, `every one of its ${v.length} values is missing`);
    }
    const min = opts.minLength ?? 0;
    if (v.length < min) {
      const why = opts.minLengthReason ? ` (${opts.minLengthReason})` : "";
      throw new CsvInputError(
        { file, column },
        `has ${v.length} rows; at least ${min} are needed${why}`,
      );
    }
  }
}
