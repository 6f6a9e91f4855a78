import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kairos, TINY_MODEL } from "./cli-kairos.js";

const root = mkdtempSync(join(tmpdir(), "kairos-pretrain-"));
const tiny = [...TINY_MODEL, "--seed", "5"];
const weights = (dir: string) => readFileSync(join(dir, "model.safetensors"));

describe("kairos pretrain", () => {
  it("main(['pretrain', ...]) trains, writes a model info can read, and resumes to the same weights", async () => {
    const full = join(root, "full");
    let r = await kairos("pretrain", "--out", full, "--steps", "4", ...tiny, "--json");
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.steps).toBe(4);
    expect(Number.isFinite(record.finalLoss)).toBe(true);
    expect(r.stderr).toMatch(/pretrain 4\/4 \(100%\) loss \d+\.\d{4} tok\/s \d+ mem \d+MiB/);
    expect((await kairos("info", full)).stdout).toMatch(/layers 1, hidden 16, heads 2/);

    const ckpt = join(root, "ckpt");
    // The same run, checkpointed at step 3 only (as if stopped there), then resumed for step 4.
    r = await kairos(
      "pretrain",
      "--out",
      join(root, "half"),
      "--steps",
      "4",
      ...tiny,
      "--checkpoint",
      ckpt,
      "--checkpoint-every",
      "3",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(weights(join(ckpt, "model")).equals(weights(full))).toBe(false);
    r = await kairos(
      "pretrain",
      "--out",
      join(root, "resumed"),
      "--steps",
      "4",
      ...tiny,
      "--checkpoint",
      ckpt,
      "--resume",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(weights(join(root, "resumed")).equals(weights(full))).toBe(true);
  }, 60_000);

  it("main(['pretrain', ...]) rejects inconsistent flags with exit 2", async () => {
    let r = await kairos("pretrain", "--out", join(root, "x"), "--hidden", "10", "--heads", "4");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--hidden must be a multiple of --heads \(4\), got 10/);
    r = await kairos("pretrain", "--out", join(root, "x"), "--resume");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resume needs --checkpoint DIR/);
    r = await kairos("pretrain", "--out", join(root, "x"), "--lr", "-1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lr must be a number > 0, got -1/);
  });
});
