import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kairos } from "./cli-kairos.js";

const dir = mkdtempSync(join(tmpdir(), "kairos-cli-"));
let n = 0;
const csv = (text: string) => {
  const f = join(dir, `in${n++}.csv`);
  writeFileSync(f, text);
  return f;
};
const seasonal = (rows: number) =>
  csv(
    `date,y\n${Array.from({ length: rows }, (_, i) => `${new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10)},${(10 + 5 * Math.sin((2 * Math.PI * i) / 7) + (i % 3)).toFixed(3)}`).join("\n")}\n`,
  );

describe("kairos CLI: help and usage errors", () => {
  it("main(['--help']) lists the commands and exits 0", async () => {
    const r = await kairos("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/evaluate/);
    expect(r.stdout).toMatch(/info/);
  });

  it("main(['evaluate', '--help']) shows an example", async () => {
    const r = await kairos("evaluate", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Example:\n {2}\$ kairos evaluate --csv/);
  });

  it("main([...]) exits 2 with one line for an unknown command, flag or out-of-range value", async () => {
    const cases: [string[], RegExp][] = [
      [["evalute"], /unknown command 'evalute'/],
      [["evaluate", "--hozizon", "3"], /unknown option '--hozizon'/],
      [
        ["evaluate", "--horizon", "-3"],
        /^kairos evaluate: --horizon must be a positive integer, got -3\n$/,
      ],
      [["evaluate", "--folds", "2.5"], /--folds must be a positive integer, got 2.5/],
      [["evaluate", "--season", "zero"], /--season must be a positive integer, got zero/],
      [
        ["evaluate", "--baselines-only", "--adapter", "x"],
        /--baselines-only takes no --base or --adapter/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await kairos(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("main(['evaluate', '--column', ...]) with an unknown column exits 2 and lists the available ones", async () => {
    const r = await kairos("evaluate", "--column", "Close");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--column: .*sp500-2000\.csv: column "Close": no such column; available: date, open, high, low, close, adjclose, volume/,
    );
  });
});

describe("kairos CLI: bad CSV input exits 1 naming file, row and column", () => {
  it("main(['evaluate', '--csv', ...]) rejects empty, header-only, non-numeric, all-NaN and short input", async () => {
    const empty = csv("");
    const cases: [string, RegExp][] = [
      [empty, new RegExp(`${empty}: is empty; expected a header line`)],
      [csv("date,y\n"), /has a header but no data rows/],
      [csv("date,y\n2021-01-01,1\n2021-01-02,x1\n"), /row 3, column "y": not a number: "x1"/],
      [
        csv("date,y\n2021-01-01,\n2021-01-02,NA\n"),
        /column "y": every one of its 2 values is missing/,
      ],
      [
        csv("date,y\n2021-01-01,1\n2021-01-02,2\n"),
        /column "y": has 2 rows; at least 101 are needed \(5 folds × horizon 20 \+ 1 step of history\)/,
      ],
    ];
    for (const [file, message] of cases) {
      const r = await kairos("evaluate", "--csv", file);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("main([..., '--debug']) adds the stack trace", async () => {
    const r = await kairos("evaluate", "--csv", join(dir, "missing.csv"), "--debug");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.csv: cannot read: ENOENT/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe("kairos evaluate", () => {
  it("main(['evaluate', ...]) prints seasonal naive, naive and ets (damped) side by side; seasonal naive beats naive on weekly data", async () => {
    const r = await kairos(
      "evaluate",
      "--baselines-only",
      "--csv",
      seasonal(200),
      "--horizon",
      "7",
      "--folds",
      "3",
      "--context",
      "28",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 folds × horizon 7, context 28, season 7 \(D\)/);
    expect(r.stdout).toMatch(/^seasonal naive .* 1\.000 +1\.000$/m);
    const naive = /^naive +([\d.]+) +[\d.]+ +[\d.]+ +([\d.]+)/m.exec(r.stdout);
    expect(Number(naive?.[2])).toBeGreaterThan(1);
    expect(r.stdout).toMatch(/^ets \(damped\) +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+$/m);
    expect(r.stderr).toMatch(/backtest 9\/9 \(100%\)/);
  });

  it("main(['evaluate', '--json']) prints only JSON with every row's scores", async () => {
    const r = await kairos(
      "evaluate",
      "--baselines-only",
      "--csv",
      seasonal(120),
      "--horizon",
      "7",
      "--folds",
      "2",
      "--season",
      "7",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((x: { name: string }) => x.name)).toEqual([
      "seasonal naive",
      "naive",
      "ets (damped)",
    ]);
    expect(out.season).toBe(7);
    expect(out.foldStarts).toEqual([106, 113]);
    for (const row of out.rows)
      for (const k of ["mase", "smape", "wql"]) expect(row[k]).toBeGreaterThanOrEqual(0);
  });
});
