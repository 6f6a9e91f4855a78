// The error the CSV reader throws: one line naming the file and, where known, row and column.

/** Where in a CSV file a problem is; row 1 is the header line. */
export interface CsvLocation {
  file: string;
  row?: number;
  column?: string;
}

/** `unknown-column`: a requested column is not in the header (a usage error); `data`: the file. */
export type CsvProblem = "unknown-column" | "data";

/**
 * Bad CSV input. `message` reads `file: row R, column "C": what is wrong`.
 *
 * @example
 * throw new CsvInputError({ file: "a.csv", row: 3, column: "close" }, 'not a number: "abc"');
 */
export class CsvInputError extends Error {
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly problem: CsvProblem;

  constructor(where: CsvLocation, problem: string, kind: CsvProblem = "data") {
    const at = [where.row === undefined ? "" : `row ${where.row}`];
    if (where.column !== undefined) at.push(`column "${where.column}"`);
    const place = at.filter(Boolean).join(", ");
    super(`${where.file}: ${place ? `${place}: ` : ""}${problem}`);
    this.name = "CsvInputError";
    this.file = where.file;
    this.row = where.row;
    this.column = where.column;
    this.problem = kind;
  }
}
