import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/run.js";
import { kairos, TINY_MODEL } from "./cli-kairos.js";

const root = mkdtempSync(join(tmpdir(), "kairos-finetune-"));
const base = join(root, "base");
const csv = join(root, "weekly.csv");
const fast = ["--base", base, "--backend", "reference", "--batch-size", "2"];

/** `n` daily rows of a weekly sine around 20. */
const rows = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `${new Date(Date.UTC(2022, 0, 1 + i)).toISOString().slice(0, 10)},${(20 + 4 * Math.sin((2 * Math.PI * i) / 7)).toFixed(3)}`,
  );

beforeAll(async () => {
  const r = await kairos("pretrain", "--out", base, "--steps", "2", ...TINY_MODEL);
  expect(r.code, r.stderr).toBe(0);
  writeFileSync(csv, `date,sales\n${rows(120).join("\n")}\n`);
}, 60_000);

describe("kairos finetune", () => {
  it("main(['finetune', ...]) trains LoRA and writes the adapter and a training record whole", async () => {
    const out = join(root, "run");
    const r = await kairos(
      "finetune",
      "--csv",
      csv,
      "--max-steps",
      "3",
      "--rank",
      "2",
      "--target-modules",
      "q_proj,v_proj",
      "--out",
      out,
      ...fast,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.steps).toBe(3);
    expect(record.column).toBe("sales");
    expect(record.targetModules).toEqual(["q_proj", "v_proj"]);
    // Throughput over the steps' own time and the process's peak RSS, as the benchmark compares.
    expect(record.tokensPerSecond).toBeGreaterThan(0);
    expect(record.peakRssBytes).toBeGreaterThan(20e6); // a Node process alone holds more
    // The default test tail (one --horizon of 20, a fifth of 120 at most) is backtested and plotted.
    expect(readdirSync(out).sort()).toEqual([
      "adapter_config.json",
      "adapter_model.safetensors",
      "forecast.png",
      "forecast.svg",
      "metrics.json",
      "training.json",
    ]);
    expect(JSON.parse(readFileSync(join(out, "training.json"), "utf8")).steps).toBe(3);
    const info = await kairos("info", out);
    expect(info.stdout).toMatch(/rank 2, alpha 16/);
    expect(info.stdout).toMatch(/target modules: q_proj, v_proj/);
    expect(r.stderr).toMatch(/finetune 3\/3 \(100%\) loss \d/);
  }, 60_000);

  it("main(['finetune', '--horizon', ...]) backtests base and fine-tuned beside the baselines (ets included) on the held-out test tail and plots", async () => {
    const out = join(root, "report");
    const r = await kairos(
      "finetune",
      "--csv",
      csv,
      "--max-steps",
      "2",
      "--horizon",
      "4",
      "--folds",
      "5",
      "--samples",
      "4",
      "--out",
      out,
      ...fast,
    );
    expect(r.code, r.stderr).toBe(0);
    // 120 values: the test tail is 5 folds × 4 = 20 steps, validation the 12 before it.
    expect(r.stdout).toMatch(
      /test tail \(last 20 steps, held out from training and step selection\): 5 folds × horizon 4, season 7:/,
    );
    expect(r.stdout).toMatch(/^base \(zero-shot\) /m);
    expect(r.stdout).toMatch(/^fine-tuned /m);
    expect(readdirSync(out).sort()).toEqual([
      "adapter_config.json",
      "adapter_model.safetensors",
      "forecast.png",
      "forecast.svg",
      "metrics.json",
      "training.json",
    ]);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.rows.map((x: { name: string }) => x.name)).toEqual([
      "seasonal naive",
      "naive",
      "ets (damped)",
      "base (zero-shot)",
      "fine-tuned",
    ]);
    expect(metrics.tail).toBe("test");
    expect(metrics.steps).toEqual([100, 120]);
    expect(metrics.foldStarts).toEqual([100, 104, 108, 112, 116]);
    const record = JSON.parse(readFileSync(join(out, "training.json"), "utf8"));
    expect(record.split).toEqual({ train: [0, 88], validation: [88, 100], test: [100, 120] });
    expect(readFileSync(join(out, "forecast.svg"), "utf8")).toMatch(
      /sales: fine-tuned 4-step forecast of the last test window \(held out\)/,
    );
  }, 60_000);

  it("main(['finetune', '--epochs', ...]) runs one pass over the training windows per epoch", async () => {
    const r = await kairos(
      "finetune",
      "--csv",
      csv,
      "--epochs",
      "0.5",
      "--out",
      join(root, "epochs"),
      ...fast,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.steps).toBe(Math.ceil((0.5 * record.trainWindows) / 2));
    // The split finetune() reports, which the epoch count was taken from: the test tail is one
    // --horizon (20, a fifth of 120 at most), validation a tenth before it.
    expect(record.split).toEqual({ train: [0, 88], validation: [88, 100], test: [100, 120] });
  }, 60_000);

  it("main(['finetune', ...]) rejects bad flags with exit 2 and a short series with exit 1 saying the minimum", async () => {
    const bad: [string[], RegExp][] = [
      [["--epochs", "1", "--max-steps", "2"], /give --epochs or --max-steps, not both/],
      [
        ["--memory-budget", "lots"],
        /--memory-budget must be a size such as 256MB, 1GiB or 1000000, got lots/,
      ],
      [
        ["--target-modules", "q_proj,attn"],
        /--target-modules items must be among q_proj, .*, got attn/,
      ],
      [["--rank", "0"], /--rank must be a positive integer, got 0/],
      [
        ["--checkpointing", "always"],
        /--checkpointing must be one of auto, none, sqrt, optimal, got always/,
      ],
      [
        ["--test", "0"],
        /--test must be a fraction in \(0, 1\) or a positive integer step count, got 0/,
      ],
      [
        ["--test", "1.5"],
        /--test must be a fraction in \(0, 1\) or a positive integer step count, got 1.5/,
      ],
      [["--test", "2"], /--test must be at least the model's prediction length 4 steps, got 2/],
    ];
    for (const [argv, message] of bad) {
      const r = await kairos("finetune", "--csv", csv, ...fast, ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const short = join(root, "short.csv");
    writeFileSync(short, "date,y\n2022-01-01,1\n2022-01-02,2\n");
    const r = await kairos("finetune", "--csv", short, ...fast, "--out", join(root, "never"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /column "y": has 2 rows; at least 16 are needed \(one training window of 12 \+ a test tail of the model's prediction length 4\)/,
    );
    expect(existsSync(join(root, "never"))).toBe(false);
  }, 60_000);

  it("main(['finetune', ...]) fine-tunes a series of 2 × prediction length + 8 values, left-padding its one window, and scores the test tail", async () => {
    const short = join(root, "short16.csv");
    // A trend with a little noise: the weekly sine's seasonal naive would be exact (MASE 0/0).
    const values = rows(16).map(
      (r, i) => `${r.slice(0, 10)},${(20 + 0.5 * i + ((i * 37) % 11) / 5).toFixed(2)}`,
    );
    writeFileSync(short, `date,y\n${values.join("\n")}\n`);
    const out = join(root, "short-run");
    const r = await kairos(
      "finetune",
      "--csv",
      short,
      "--max-steps",
      "2",
      "--horizon",
      "4",
      "--samples",
      "4",
      "--out",
      out,
      ...fast,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no validation tail \(series too short\): no early stopping/);
    expect(r.stdout).toMatch(/test tail \(last 4 steps, .*\): 1 folds × horizon 4/);
    expect(r.stdout).toMatch(/^fine-tuned +\d/m);
    const record = JSON.parse(readFileSync(join(out, "training.json"), "utf8"));
    expect(record.split).toEqual({ train: [0, 12], validation: [12, 12], test: [12, 16] });
    expect(record.trainWindows).toBe(1);
    expect(existsSync(join(out, "metrics.json"))).toBe(true);
  }, 60_000);

  it("main(['finetune', '--prediction-length', ...]) fine-tunes 2 × that + 8 values for a shorter horizon, and refuses one beyond the model's", async () => {
    const short = join(root, "short12.csv");
    const values = rows(12).map(
      (r, i) => `${r.slice(0, 10)},${(20 + 0.5 * i + ((i * 37) % 11) / 5).toFixed(2)}`,
    );
    writeFileSync(short, `date,y\n${values.join("\n")}\n`);
    const args = ["--csv", short, "--max-steps", "2", "--horizon", "2", "--samples", "4", ...fast];
    const without = await kairos("finetune", ...args, "--out", join(root, "pl-never"));
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/has 12 rows; at least 16 are needed/);
    const out = join(root, "pl-run");
    const r = await kairos("finetune", ...args, "--prediction-length", "2", "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ predictionLength: 2, trainWindows: 1 });
    expect(record.split).toEqual({ train: [0, 10], validation: [10, 10], test: [10, 12] });
    const bad = await kairos("finetune", ...args, "--prediction-length", "5");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--prediction-length must be at least 1 and at most the model's prediction length 4, got 5/,
    );
  }, 60_000);

  it("main(['finetune', '--context-length', '--fit', ...]) trains shorter contexts, or on the recent or downsampled history, and refuses a context beyond the model's", async () => {
    const run = (name: string, ...argv: string[]) =>
      kairos(
        "finetune",
        "--csv",
        csv,
        "--max-steps",
        "1",
        "--horizon",
        "4",
        "--samples",
        "2",
        "--out",
        join(root, name),
        ...fast,
        ...argv,
        "--json",
      );
    const short = await run("ctx8", "--context-length", "8");
    expect(short.code, short.stderr).toBe(0);
    expect(JSON.parse(short.stdout)).toMatchObject({
      contextLength: 8,
      fit: "chunk",
      fitted: null,
      values: 120,
    });
    // truncate keeps one full-context training window and one test window: 8 + 2 × 4 values.
    const recent = await run("trunc", "--context-length", "8", "--fit", "truncate");
    expect(recent.code, recent.stderr).toBe(0);
    expect(JSON.parse(recent.stdout)).toMatchObject({
      values: 16,
      fitted: "kept the last 16 of 120 values (dropped the oldest 104)",
    });
    const down = await run("down", "--fit", "downsample");
    expect(down.code, down.stderr).toBe(0);
    const d = JSON.parse(down.stdout);
    expect(d.fitted).toBe(
      "aggregated 120 values into 24 buckets of 5 by mean; horizons are in buckets",
    );
    expect(d.split).toEqual({ train: [0, 16], validation: [16, 20], test: [20, 24] });
    const bad: [string[], RegExp][] = [
      [
        ["--context-length", "17"],
        /--context-length must be at most the model's context length 16, got 17/,
      ],
      [["--fit", "all"], /--fit must be one of truncate, downsample, chunk, got all/],
    ];
    for (const [argv, message] of bad) {
      const r = await kairos("finetune", "--csv", csv, ...fast, ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);

  it("main(['finetune', '--column', a, '--column', b, ...]) trains one adapter on both series and reports each test tail and their geometric mean", async () => {
    const two = join(root, "two.csv");
    const lines = rows(120).map(
      (r, i) =>
        `${r.slice(0, 10)},${(20 + 0.3 * i + 4 * Math.sin(i / 5)).toFixed(3)},${(50 + 0.2 * i + 3 * Math.cos(i / 3)).toFixed(3)}`,
    );
    writeFileSync(two, `date,sales,visits\n${lines.join("\n")}\n`);
    const out = join(root, "two-run");
    const argv = ["--max-steps", "2", "--horizon", "4", "--samples", "2", "--out", out, ...fast];
    const r = await kairos(
      "finetune",
      "--csv",
      two,
      "--column",
      "sales",
      "--column",
      "visits",
      ...argv,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fine-tuned \S+ on sales, visits \(240 values/);
    expect(r.stdout).toMatch(/^sales \(.*two\.csv\) test tail/m);
    expect(r.stdout).toMatch(/^visits \(.*two\.csv\) test tail/m);
    expect(r.stdout).toMatch(
      /geometric mean over 2 series' test tails:\nmodel +MASE\/SN +WQL\/SN\nseasonal naive +1\.000 +1\.000/,
    );
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.series.map((m: { column: string }) => m.column)).toEqual(["sales", "visits"]);
    expect(metrics.geometricMean.map((m: { name: string }) => m.name)).toContain("fine-tuned");
    const record = JSON.parse(readFileSync(join(out, "training.json"), "utf8"));
    expect(record.series).toHaveLength(2);
    expect(record.trainWindows).toBe(record.series[0].trainWindows + record.series[1].trainWindows);
    // Two files work alike: each --csv × each --column.
    const files = await kairos(
      "finetune",
      "--csv",
      csv,
      "--csv",
      two,
      "--column",
      "sales",
      ...argv,
      "--json",
    );
    expect(files.code, files.stderr).toBe(0);
    expect(JSON.parse(files.stdout).series).toHaveLength(2);
  }, 60_000);

  it("main(['finetune', '--patience', '--lora-dropout', ...]) maps the overfitting controls onto finetune()'s options and records them", async () => {
    const r = await kairos(
      "finetune",
      "--csv",
      csv,
      "--max-steps",
      "6",
      "--eval-every",
      "1",
      "--patience",
      "1",
      "--lora-dropout",
      "0.1",
      "--weight-decay",
      "0.01",
      "--warmup",
      "1",
      "--schedule",
      "linear",
      "--gradient-accumulation",
      "2",
      "--horizon",
      "4",
      "--samples",
      "2",
      "--out",
      join(root, "controls"),
      ...fast,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({
      loraDropout: 0.1,
      weightDecay: 0.01,
      schedule: "linear",
      gradientAccumulation: 2,
      patience: 1,
      tokens: record.steps * 2 * 2 * 19,
    });
    // Evaluated before the first step (the base model) and after every step; with patience 1 it
    // stops at the first evaluation that is no better.
    expect(record.evalLosses.map((e: { step: number }) => e.step)).toEqual(
      Array.from({ length: record.steps + 1 }, (_, i) => i),
    );
    expect(record.stoppedEarly).toBe(record.steps < 6);
    expect(record.bestEvalLoss).toBe(
      Math.min(...record.evalLosses.map((e: { loss: number }) => e.loss)),
    );
    const bad: [string[], RegExp][] = [
      [["--lora-dropout", "1"], /--lora-dropout must be a number in \[0, 1\), got 1/],
      [["--weight-decay=-1"], /--weight-decay must be a number ≥ 0, got -1/],
      [["--schedule", "step"], /--schedule must be one of cosine, linear, constant, got step/],
      [["--patience", "0"], /--patience must be a positive integer, got 0/],
      [
        ["--gradient-accumulation", "0"],
        /--gradient-accumulation must be a positive integer, got 0/,
      ],
      [["--eval-every", "x"], /--eval-every must be a positive integer, got x/],
      [["--warmup", "5", "--max-steps", "3"], /--warmup must be fewer than the 3 steps, got 5/],
    ];
    for (const [argv, message] of bad) {
      const f = await kairos(
        "finetune",
        "--csv",
        csv,
        ...fast,
        ...argv,
        "--out",
        join(root, "never2"),
      );
      expect(f.code, argv.join(" ")).toBe(2);
      expect(f.stderr).toMatch(message);
    }
  }, 60_000);

  it("main(['finetune', '--resume', dir]) continues a run killed after its checkpoint and ends bit-equal to the uninterrupted run", async () => {
    const argv = [
      "--csv",
      csv,
      "--max-steps",
      "4",
      "--checkpoint-every",
      "2",
      "--lora-dropout",
      "0.1",
    ];
    const straight = join(root, "straight");
    const a = await kairos(
      "finetune",
      ...argv,
      "--horizon",
      "4",
      "--samples",
      "2",
      "--out",
      straight,
      ...fast,
    );
    expect(a.code, a.stderr).toBe(0);
    // A run killed at step 3: its progress line for step 3 throws, after the step-2 checkpoint.
    const killed = join(root, "killed");
    let stderr = "";
    const io = {
      stdout: () => {},
      stderr: (t: string) => {
        if (t.startsWith("finetune 3/4")) throw new Error("killed at step 3");
        stderr += t;
      },
      isTTY: false,
    };
    const code = await main(
      ["finetune", ...argv, "--horizon", "4", "--samples", "2", "--out", killed, ...fast],
      io,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/killed at step 3/);
    expect(readdirSync(killed)).toEqual(["checkpoint"]);
    const b = await kairos(
      "finetune",
      ...argv,
      "--horizon",
      "4",
      "--samples",
      "2",
      "--resume",
      killed,
      "--out",
      killed,
      ...fast,
    );
    expect(b.code, b.stderr).toBe(0);
    const file = (dir: string, name: string) => readFileSync(join(dir, name));
    expect(
      file(killed, "adapter_model.safetensors").equals(file(straight, "adapter_model.safetensors")),
    ).toBe(true);
    const record = (dir: string) => JSON.parse(file(dir, "training.json").toString());
    expect(record(killed).losses).toEqual(record(straight).losses);
    expect(record(killed).evalLosses).toEqual(record(straight).evalLosses);
    expect(record(killed).resumedFrom).toBe(2);
    const bad = await kairos("finetune", ...argv, "--resume", join(root, "nowhere"), ...fast);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--resume: no checkpoint in .*nowhere.checkpoint/);
  }, 60_000);

  it("main(['finetune', '--memory-budget', tiny]) fails at once naming the minimum, writing nothing", async () => {
    const r = await kairos(
      "finetune",
      "--csv",
      csv,
      "--max-steps",
      "2",
      "--memory-budget",
      "1KB",
      "--out",
      join(root, "oom"),
      ...fast,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/memoryBudget must be at least \d+ bytes for this model and batch/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(root, "oom"))).toBe(false);
  }, 60_000);
});
