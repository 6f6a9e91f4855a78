// Every command on a Chronos T5 and a Chronos-Bolt checkpoint (the fixtures written by
// transformers): info, forecast, finetune (PEFT T5 adapter names), evaluate with the adapter, and
// merge into a plain directory of the same family that forecasts as base + adapter.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kairos } from "./cli-kairos.js";

const fixtures = join(import.meta.dirname, "../../train/test/fixtures/chronos");
const root = mkdtempSync(join(tmpdir(), "kairos-chronos-"));
const csv = join(root, "daily.csv");

beforeAll(() => {
  const rows = Array.from(
    { length: 160 },
    (_, i) =>
      `${new Date(Date.UTC(2022, 0, 1 + i)).toISOString().slice(0, 10)},${(50 + 0.1 * i + 6 * Math.sin((2 * Math.PI * i) / 7)).toFixed(3)}`,
  );
  writeFileSync(csv, `date,visits\n${rows.join("\n")}\n`);
});

describe.each([
  [
    "t5",
    "chronos",
    /Chronos T5 model[\s\S]*layers 2 \+ 2, d_model 32, heads 4 × 8, d_ff 64 \(relu\), vocab 512[\s\S]*context 64, prediction 16/,
  ],
  [
    "bolt",
    "chronos-bolt",
    /Chronos-Bolt model[\s\S]*layers 2 \+ 2, d_model 32[\s\S]*patches of 8 \(stride 8\) \+ \[REG\]: context 48, prediction 16/,
  ],
])("kairos on the %s fixture", (name, family, described) => {
  const base = join(fixtures, name);
  const adapter = join(root, `${name}-run`);
  const fast = ["--base", base, "--backend", "reference", "--csv", csv];

  it(`info describes the checkpoint as ${family}`, async () => {
    const r = await kairos("info", base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(described);
    expect(JSON.parse((await kairos("info", base, "--json")).stdout).family).toBe(family);
  });

  it("forecast samples its prediction length, held out and scored", async () => {
    const r = await kairos("forecast", ...fast, "--holdout", "--samples", "4", "--json");
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.horizon).toBe(16);
    expect(f.median).toHaveLength(16);
    expect(Number.isFinite(f.scores.mase)).toBe(true);
  });

  it("finetune writes a PEFT adapter with T5 names; evaluate and merge use it", async () => {
    const args = ["--max-steps", "3", "--rank", "2", "--batch-size", "2", "--samples", "2"];
    const r = await kairos("finetune", ...fast, ...args, "--horizon", "8", "--out", adapter);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(adapter, "adapter_config.json"), "utf8"));
    expect(config.target_modules).toEqual(["q", "k", "v", "o"]);
    const info = await kairos("info", adapter);
    expect(info.stdout).toMatch(/adapted modules 24/); // q,k,v,o × (2 self + 2 self + 2 cross)

    const e = await kairos("evaluate", ...fast, "--adapter", adapter, "--horizon", "8");
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/fine-tuned/);

    const merged = join(root, `${name}-merged`);
    const m = await kairos("merge", "--base", base, "--adapter", adapter, "--out", merged);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/merged 24 modules/);
    const once = ["--csv", csv, "--backend", "reference", "--samples", "3", "--json"];
    const viaAdapter = await kairos("forecast", "--base", base, "--adapter", adapter, ...once);
    const viaMerged = await kairos("forecast", "--base", merged, ...once);
    const a = JSON.parse(viaAdapter.stdout).median as number[];
    const b = JSON.parse(viaMerged.stdout).median as number[];
    // Merging moves the weights by float32 round-off: a sampled bin may differ by one, rarely;
    // direct quantiles move by round-off only.
    const close = a.filter((v, i) => Math.abs(v - b[i]) <= 1e-4 * Math.abs(v)).length;
    expect(close).toBeGreaterThanOrEqual(a.length - 1);
  });

  it("finetune refuses a Llama module name on a T5, naming the family's", async () => {
    const r = await kairos("finetune", ...fast, "--target-modules", "q_proj", "--out", root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`--target-modules items must be among q, k, v, o, .* ${family} model, got q_proj`),
    );
  });
});
