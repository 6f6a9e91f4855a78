import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kairos, TINY_MODEL } from "./cli-kairos.js";

const root = mkdtempSync(join(tmpdir(), "kairos-finetune-"));
const base = join(root, "base");
const csv = join(root, "weekly.csv");
const fast = ["--base", base, "--backend", "reference", "--batch-size", "2"];

beforeAll(async () => {
  const r = await kairos("pretrain", "--out", base, "--steps", "2", ...TINY_MODEL);
  expect(r.code, r.stderr).toBe(0);
  const rows = Array.from(
    { length: 120 },
    (_, i) =>
      `${new Date(Date.UTC(2022, 0, 1 + i)).toISOString().slice(0, 10)},${(20 + 4 * Math.sin((2 * Math.PI * i) / 7)).toFixed(3)}`,
  );
  writeFileSync(csv, `date,sales\n${rows.join("\n")}\n`);
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
    expect(readdirSync(out).sort()).toEqual([
      "adapter_config.json",
      "adapter_model.safetensors",
      "training.json",
    ]);
    expect(JSON.parse(readFileSync(join(out, "training.json"), "utf8")).steps).toBe(3);
    const info = await kairos("info", out);
    expect(info.stdout).toMatch(/rank 2, alpha 16/);
    expect(info.stdout).toMatch(/target modules: q_proj, v_proj/);
    expect(r.stderr).toMatch(/finetune 3\/3 \(100%\) loss \d/);
  }, 60_000);

  it("main(['finetune', '--horizon', ...]) backtests base and fine-tuned beside the baselines (ets included) on the validation tail and plots", async () => {
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
    // 120 values keep round(0.1 · 120) = 12 for validation: 3 folds of 4 fit.
    expect(r.stdout).toMatch(/validation backtest, 3 folds × horizon 4, season 7:/);
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
    expect(metrics.foldStarts).toEqual([108, 112, 116]);
    expect(readFileSync(join(out, "forecast.svg"), "utf8")).toMatch(
      /sales: fine-tuned 4-step forecast/,
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
    // The split finetune() reports, which the epoch count was taken from: a tenth held out.
    expect(record.split).toEqual({ train: [0, 108], validation: [108, 120] });
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
      /column "y": has 2 rows; at least 20 are needed \(shortest context 16 \+ the model's prediction length 4\)/,
    );
    expect(existsSync(join(root, "never"))).toBe(false);
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
