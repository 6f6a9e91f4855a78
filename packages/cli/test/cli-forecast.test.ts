import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kairos, TINY_MODEL } from "./cli-kairos.js";

const root = mkdtempSync(join(tmpdir(), "kairos-forecast-"));
const base = join(root, "base");
const adapter = join(root, "adapter");
const csv = join(root, "daily.csv");
const dates = Array.from({ length: 90 }, (_, i) =>
  new Date(Date.UTC(2022, 0, 1 + i)).toISOString().slice(0, 10),
);
const fast = ["--base", base, "--backend", "reference", "--samples", "8", "--seed", "3"];

beforeAll(async () => {
  writeFileSync(
    csv,
    `date,visits\n${dates.map((d, i) => `${d},${(50 + 0.1 * i + 10 * Math.sin((2 * Math.PI * i) / 7) + ((i * 37) % 11) / 5).toFixed(2)}`).join("\n")}\n`,
  );
  let r = await kairos("pretrain", "--out", base, "--steps", "2", ...TINY_MODEL);
  expect(r.code, r.stderr).toBe(0);
  r = await kairos(
    "finetune",
    "--csv",
    csv,
    "--base",
    base,
    "--max-steps",
    "2",
    "--batch-size",
    "2",
    "--backend",
    "reference",
    "--out",
    adapter,
  );
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

describe("kairos forecast", () => {
  it("main(['forecast', '--holdout', '--plot', 'x.png', '--json']) forecasts the held-out dates, scores and plots them", async () => {
    const plot = join(root, "f.png");
    const r = await kairos(
      "forecast",
      "--csv",
      csv,
      "--adapter",
      adapter,
      "--horizon",
      "6",
      "--holdout",
      "--plot",
      plot,
      ...fast,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dates).toEqual(dates.slice(84));
    expect(Object.keys(out.quantiles)).toEqual([
      "0.1",
      "0.2",
      "0.3",
      "0.4",
      "0.5",
      "0.6",
      "0.7",
      "0.8",
      "0.9",
    ]);
    expect(out.median).toEqual(out.quantiles["0.5"]);
    for (let h = 0; h < 6; h++) {
      expect(out.quantiles["0.1"][h]).toBeLessThanOrEqual(out.median[h]);
      expect(out.median[h]).toBeLessThanOrEqual(out.quantiles["0.9"][h]);
    }
    expect(out.actual).toHaveLength(6);
    expect(out.scores.mase).toBeGreaterThanOrEqual(0);
    expect(Array.from(readFileSync(plot).subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  }, 60_000);

  it("main(['forecast', ...]) continues the dates after the series and is deterministic for a seed", async () => {
    const a = await kairos("forecast", "--csv", csv, "--horizon", "3", ...fast, "--json");
    const b = await kairos("forecast", "--csv", csv, "--horizon", "3", ...fast, "--json");
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).dates).toEqual(["2022-04-01", "2022-04-02", "2022-04-03"]);
    expect(JSON.parse(a.stdout).median).toEqual(JSON.parse(b.stdout).median);
    const text = await kairos("forecast", "--csv", csv, "--horizon", "3", ...fast);
    expect(text.stdout).toMatch(/^step +median +q10 +q90\n2022-04-01 /);
  }, 60_000);

  it("main(['forecast', '--context-length', '--fit', ...]) sees a shorter context, or bucket means of the whole history, and refuses a context beyond the model's", async () => {
    const short = await kairos(
      "forecast",
      "--csv",
      csv,
      "--context-length",
      "8",
      ...fast,
      "--json",
    );
    expect(short.code, short.stderr).toBe(0);
    const full = await kairos("forecast", "--csv", csv, ...fast, "--json");
    expect(JSON.parse(short.stdout).contextLength).toBe(8);
    expect(JSON.parse(full.stdout).contextLength).toBe(16);
    expect(JSON.parse(short.stdout).median).not.toEqual(JSON.parse(full.stdout).median);
    // 90 daily values into 16 context tokens: buckets of 6 (15 buckets), dated by their last day.
    const down = await kairos("forecast", "--csv", csv, "--fit", "downsample", ...fast, "--json");
    expect(down.code, down.stderr).toBe(0);
    const d = JSON.parse(down.stdout);
    expect(d.fitted).toBe(
      "aggregated 90 values into 15 buckets of 6 by mean; horizons are in buckets",
    );
    expect(d.median).toHaveLength(4);
    const bad: [string[], RegExp][] = [
      [
        ["--context-length", "17"],
        /--context-length must be at most the model's context length 16, got 17/,
      ],
      [["--context-length", "0"], /--context-length must be a positive integer, got 0/],
      [["--fit", "chunk"], /--fit must be one of truncate, downsample, got chunk/],
    ];
    for (const [argv, message] of bad) {
      const r = await kairos("forecast", "--csv", csv, ...fast, ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("main(['forecast', ...]) exits 2 for a bad --plot name and 1 for an adapter that does not fit or is corrupt", async () => {
    let r = await kairos("forecast", "--csv", csv, "--plot", "f.gif", ...fast);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--plot must name a \.svg or \.png file, got f\.gif/);
    const other = join(root, "other");
    r = await kairos("pretrain", "--out", other, "--steps", "1", ...TINY_MODEL, "--hidden", "8");
    expect(r.code, r.stderr).toBe(0);
    r = await kairos("forecast", "--csv", csv, "--adapter", adapter, ...fast, "--base", other);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kairos forecast: adapter .*adapter does not fit base model .*other: /,
    );
    const broken = join(root, "broken");
    await kairos(
      "finetune",
      "--csv",
      csv,
      "--base",
      base,
      "--max-steps",
      "1",
      "--batch-size",
      "2",
      "--backend",
      "reference",
      "--out",
      broken,
    );
    const file = join(broken, "adapter_model.safetensors");
    writeFileSync(file, readFileSync(file).subarray(0, 64));
    r = await kairos("forecast", "--csv", csv, "--adapter", broken, ...fast);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken.*safetensors/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(root, "f.gif"))).toBe(false);
    const truncated = join(root, "truncated-base");
    r = await kairos("pretrain", "--out", truncated, "--steps", "1", ...TINY_MODEL);
    const weights = join(truncated, "model.safetensors");
    writeFileSync(weights, readFileSync(weights).subarray(0, 1000));
    r = await kairos("forecast", "--csv", csv, ...fast, "--base", truncated);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kairos forecast: model .*truncated-base: .*safetensors/);
  }, 60_000);
});

describe("kairos evaluate with models", () => {
  it("main(['evaluate', '--base', '--adapter', ...]) scores zero-shot and fine-tuned beside the three baselines", async () => {
    const r = await kairos(
      "evaluate",
      "--csv",
      csv,
      "--adapter",
      adapter,
      "--horizon",
      "4",
      "--folds",
      "2",
      ...fast,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((x: { name: string }) => x.name)).toEqual([
      "seasonal naive",
      "naive",
      "ets (damped)",
      "base (zero-shot)",
      "fine-tuned",
    ]);
    expect(out.context).toBe(16);
    for (const row of out.rows) expect(Number.isFinite(row.relativeWql)).toBe(true);
  }, 60_000);
});
