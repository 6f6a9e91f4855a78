// `kairos export-windows`: the windows finetune trains on with the same flags, in the pretraining
// export's binary layout, and a clear refusal for a model family without token sequences.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kairos, TINY_MODEL } from "./cli-kairos.js";

const root = mkdtempSync(join(tmpdir(), "kairos-export-"));
const base = join(root, "base");
const csv = join(root, "weekly.csv");
const fast = ["--base", base, "--backend", "reference", "--batch-size", "2"];

beforeAll(async () => {
  const r = await kairos("pretrain", "--out", base, "--steps", "2", ...TINY_MODEL);
  expect(r.code, r.stderr).toBe(0);
  const day = (i: number) => new Date(Date.UTC(2020, 0, 6 + 7 * i)).toISOString().slice(0, 10);
  const rows = Array.from(
    { length: 120 },
    (_, i) => `${day(i)},${(50 + 10 * Math.sin(i / 3)).toFixed(3)}`,
  );
  writeFileSync(csv, `date,sales\n${rows.join("\n")}\n`);
}, 60_000);

describe("kairos export-windows", () => {
  it("main(['export-windows', ...]) writes the windows finetune trains on, as windows.bin + windows.json", async () => {
    const out = join(root, "windows");
    const r = await kairos("export-windows", "--csv", csv, "--base", base, "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const { count, seqLen } = JSON.parse(r.stdout);
    const tuned = await kairos(
      "finetune",
      "--csv",
      csv,
      "--max-steps",
      "1",
      "--out",
      join(root, "t"),
      ...fast,
      "--json",
    );
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(count).toBe(JSON.parse(tuned.stdout).trainWindows);
    const layout = JSON.parse(readFileSync(join(out, "windows.json"), "utf8"));
    expect(layout).toMatchObject({ count, seqLen, vocabSize: 64 });
    expect(layout.record.map((f: { name: string }) => f.name)).toEqual([
      "ids",
      "labels",
      "keyMask",
    ]);
    expect(statSync(join(out, "windows.bin")).size).toBe(count * 9 * seqLen);
    // The last window: every id a token, every label −100 or the next id, the mask 0/1.
    const bin = readFileSync(join(out, "windows.bin"));
    const at = (count - 1) * 9 * seqLen;
    const ids = Array.from({ length: seqLen }, (_, p) => bin.readInt32LE(at + 4 * p));
    const labels = Array.from({ length: seqLen }, (_, p) => bin.readInt32LE(at + 4 * (seqLen + p)));
    const mask = Array.from(bin.subarray(at + 8 * seqLen, at + 9 * seqLen));
    expect(ids.every((id) => id >= 0 && id < 64)).toBe(true);
    expect(mask.every((m) => m === 1)).toBe(true); // a full-context window of a series without gaps
    for (let p = 0; p + 1 < seqLen; p++) expect(labels[p]).toBe(ids[p + 1]);
  }, 60_000);

  it("main(['export-windows', ...]) refuses a Chronos model, naming the family", async () => {
    const chronos = join(import.meta.dirname, "../../train/test/fixtures/chronos/t5");
    const r = await kairos(
      "export-windows",
      "--csv",
      csv,
      "--base",
      chronos,
      "--out",
      join(root, "never"),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /export-windows writes token sequences of a Llama-family model; .* is a chronos model/,
    );
  }, 60_000);
});
