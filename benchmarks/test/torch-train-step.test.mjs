import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { torchTrainStep } from "../src/torch-train-step.mjs";

const record = JSON.parse(
  await readFile(new URL("../torch/train-step.json", import.meta.url), "utf8"),
);

describe("torchTrainStep", () => {
  let dir;
  let marker;
  let python; // an "interpreter" that only leaves a mark when it is started
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kairos-torch-"));
    marker = join(dir, "spawned");
    python = join(dir, "python");
    await writeFile(python, `#!/bin/sh\ntouch ${marker}\nexit 1\n`);
    await chmod(python, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("torchTrainStep({ quick: true }) reads the record at that shape and never starts Python", async () => {
    const r = await torchTrainStep({ batch: 8, seq: 159, quick: true, python });
    expect(existsSync(marker)).toBe(false);
    const tiny = record.runs["kairos-base-tiny 8x159"];
    expect(r.source).toBe(`recorded ${tiny.date.slice(0, 10)}`);
    expect(r.tokensPerSecond).toBe(tiny.tokensPerSecond);
    expect(r.label).toMatch(/^pytorch .* \+ peft /);
  });

  it("torchTrainStep(options) falls back to the record where Python lacks torch", async () => {
    const r = await torchTrainStep({ batch: 8, seq: 159, quick: false, python });
    expect(existsSync(marker)).toBe(true); // it asked that interpreter
    expect(r.source).toMatch(/^recorded /);
  });

  it("torchTrainStep(options) takes the model's first recorded shape when that shape was not recorded", async () => {
    const r = await torchTrainStep({ batch: 3, seq: 7, quick: true, python });
    expect(`${r.model} ${r.batch}x${r.seq}`).toBe(Object.keys(record.runs)[0]);
    const small = await torchTrainStep({
      batch: 3,
      seq: 7,
      quick: true,
      modelDir: "/anywhere/kairos-base-small",
      python,
    });
    expect(small.model).toBe("kairos-base-small");
    expect(small.seq).toBe(575);
  });
});
