import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectDelimiter } from "../src/csv/detect-delimiter.js";
import { parseCell } from "../src/csv/parse-cell.js";
import { readCsv } from "../src/csv/read-csv.js";

const dir = mkdtempSync(join(tmpdir(), "kairos-csv-"));
let n = 0;
const file = (text: string) => {
  const f = join(dir, `f${n++}.csv`);
  writeFileSync(f, text);
  return f;
};
const SP500 = new URL("../data/sp500-2000.csv", import.meta.url).pathname;

describe("CSV input", () => {
  it("detectDelimiter(header) picks , ; tab | by count outside quotes", () => {
    expect(detectDelimiter("date,close")).toBe(",");
    expect(detectDelimiter('date;"a,b";c')).toBe(";");
    expect(detectDelimiter("date\tclose\tv")).toBe("\t");
    expect(detectDelimiter("date|close")).toBe("|");
    expect(detectDelimiter("close")).toBe(",");
  });

  it("parseCell(cell) maps missing spellings to NaN and rejects text", () => {
    expect(parseCell(" 1.5e3 ")).toBe(1500);
    for (const m of ["", "NA", "n/a", "NaN", "null"]) expect(parseCell(m)).toBeNaN();
    expect(parseCell("abc")).toBeUndefined();
    expect(parseCell("1,5")).toBeUndefined();
  });

  it("readCsv(file) reads the bundled S&P 500 closes with their dates", async () => {
    const s = await readCsv(SP500, { columns: ["close"] });
    const close = s.values.get("close")!;
    expect(close.length).toBe(5105);
    expect(close[0]).toBeCloseTo(1455.219971, 6);
    expect(s.dateColumn).toBe("date");
    expect(s.dates[0]).toBe("2000-01-03");
    expect(s.timestamps[0]).toBe(Date.UTC(2000, 0, 3));
  });

  it("readCsv(file) handles ; tab | delimiters, quotes, a BOM and missing cells as NaN", async () => {
    for (const d of [";", "\t", "|"]) {
      const s = await readCsv(
        file(
          `\uFEFFdate${d}a${d}b\n2020-01-01${d}1${d}"2"\n2020-01-02${d}${d}NA\n\n2020-01-03${d}3\n`,
        ),
        {
          columns: ["a", "b"],
        },
      );
      expect(Array.from(s.values.get("a")!)).toEqual([1, Number.NaN, 3]);
      expect(Array.from(s.values.get("b")!)).toEqual([2, Number.NaN, Number.NaN]);
      expect(s.dates).toEqual(["2020-01-01", "2020-01-02", "2020-01-03"]);
    }
  });

  it("readCsv(file) picks the only non-date column and a date-less file", async () => {
    const s = await readCsv(file("ds,y\n2020-01-01,1\n2020-01-02,2\n"));
    expect([...s.values.keys()]).toEqual(["y"]);
    const t = await readCsv(file("y\n1\n2\n"));
    expect(t.dateColumn).toBeNull();
    expect(t.timestamps.length).toBe(0);
  });

  it("readCsv(file, { columns }) with an unknown name lists the available ones", async () => {
    await expect(readCsv(SP500, { columns: ["Close"] })).rejects.toThrow(
      /sp500-2000\.csv: column "Close": no such column; available: date, open, high, low, close, adjclose, volume/,
    );
    await expect(readCsv(SP500)).rejects.toThrow(
      /choose a column with --column; available: open, high/,
    );
    await expect(readCsv(SP500, { columns: ["close"], date: "day" })).rejects.toThrow(
      /column "day": no such column/,
    );
  });

  it("readCsv(file) rejects an empty, missing or header-only file naming it", async () => {
    const empty = file("");
    await expect(readCsv(empty)).rejects.toThrow(`${empty}: is empty; expected a header line`);
    await expect(readCsv(file("\n  \n"))).rejects.toThrow(/is empty/);
    await expect(readCsv(join(dir, "nope.csv"))).rejects.toThrow(/nope\.csv: cannot read: ENOENT/);
    await expect(readCsv(file("date,close\n"), { columns: ["close"] })).rejects.toThrow(
      /has a header but no data rows/,
    );
  });

  it("readCsv(file) names row and column of a non-numeric cell or a bad date", async () => {
    const f = file("date,close\n2020-01-01,1\n2020-01-02,abc\n");
    await expect(readCsv(f)).rejects.toThrow(`${f}: row 3, column "close": not a number: "abc"`);
    await expect(readCsv(file("date,close\n2020-01-01,1\nyesterday,2\n"))).rejects.toThrow(
      /row 3, column "date": not a date: "yesterday"/,
    );
    await expect(readCsv(file("date,close\n2020-01-02,1\n2020-01-01,2\n"))).rejects.toThrow(
      /row 3, column "date": dates must increase; "2020-01-01" is not after "2020-01-02"/,
    );
    await expect(readCsv(file("date,close\n2020-01-01,1,9\n"))).rejects.toThrow(
      /row 2: has 3 fields, the header 2/,
    );
  });

  it("readCsv(file) rejects an all-missing column and a series shorter than the minimum", async () => {
    await expect(readCsv(file("date,close\n2020-01-01,\n2020-01-02,NA\n"))).rejects.toThrow(
      /column "close": every one of its 2 values is missing/,
    );
    await expect(
      readCsv(SP500, {
        columns: ["close"],
        minLength: 6000,
        minLengthReason: "context 5980 + horizon 20",
      }),
    ).rejects.toThrow(
      /column "close": has 5105 rows; at least 6000 are needed \(context 5980 \+ horizon 20\)/,
    );
  });

  it("readCsv(file) streams a 50 000-row file", async () => {
    const rows = ["t,v"];
    for (let i = 0; i < 50_000; i++) rows.push(`${i},${i % 7}`);
    const s = await readCsv(file(`${rows.join("\n")}\n`), { columns: ["v"], date: null });
    const v = s.values.get("v")!;
    expect(v.length).toBe(50_000);
    expect(v.reduce((a, b) => a + b, 0)).toBe(149_997);
  });
});
