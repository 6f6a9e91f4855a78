// The series a command works on: a column of a CSV file (`--csv`, `--column`, `--date`) or, with
// no `--csv`, the bundled S&P 500 daily closes; plus its frequency and seasonal period.

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Frequency, inferFrequency, seasonFromFrequency } from "@kairos/train";
import { CsvInputError } from "./csv/csv-input-error.js";
import { readCsv } from "./csv/read-csv.js";
import { UsageError } from "./usage-error.js";

/** Flags shared by the commands that read a series. */
export interface SeriesFlags {
  csv?: string;
  column?: string;
  date?: string;
  season?: number;
}

/** One series, ready for windows and plots. */
export interface SeriesInput {
  file: string;
  column: string;
  values: Float64Array;
  /** ms since the epoch per value, or null when the file has no date column. */
  timestamps: Float64Array | null;
  frequency: Frequency | null;
  /** `--season`, else from the frequency, else 1. */
  season: number;
}

const BUNDLED = join("data", "sp500-2000.csv");

/** The bundled S&P 500 file, found from this module's folder upwards (packages/cli/data, shipped in the npm package). */
export function bundledCsv(): string {
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, BUNDLED);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new UsageError(`no --csv given and the bundled ${BUNDLED} was not found above ${here}`);
}

/**
 * Reads the series named by the flags. `minLength` (with its reason) is checked on the column.
 * An unknown column becomes a UsageError naming the flag.
 */
export async function loadSeries(
  flags: SeriesFlags,
  need: { minLength?: number; reason?: string } = {},
): Promise<SeriesInput> {
  const file = flags.csv ? resolve(flags.csv) : bundledCsv();
  const column = flags.column ?? (flags.csv ? undefined : "close");
  let csv: Awaited<ReturnType<typeof readCsv>>;
  try {
    csv = await readCsv(flags.csv ?? file, {
      columns: column === undefined ? undefined : [column],
      date: flags.date,
      minLength: need.minLength,
      minLengthReason: need.reason,
    });
  } catch (e) {
    if (e instanceof CsvInputError && e.problem === "unknown-column") {
      const flag = flags.date !== undefined && e.column === flags.date ? "--date" : "--column";
      throw new UsageError(`${flag}: ${e.message}`);
    }
    throw e;
  }
  const [name, values] = [...csv.values][0];
  const timestamps = csv.dateColumn === null ? null : csv.timestamps;
  const frequency = timestamps ? inferFrequency(timestamps) : null;
  const season = flags.season ?? (frequency ? seasonFromFrequency(frequency) : 1);
  return { file: flags.csv ?? file, column: name, values, timestamps, frequency, season };
}
