import { Random, ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { LoraModel } from "../../src/finetune/lora-model.js";
import { LlamaModel } from "../../src/model/llama.js";
import { initParameters } from "../../src/model/parameters.js";
import { Trainer, type TrainerData } from "../../src/train/trainer.js";
import type { TrainerOptions } from "../../src/train/trainer-options.js";
import { tinyConfig } from "../helpers/tiny.js";
import { cycleBatch } from "../helpers/token-data.js";

const backend = new ReferenceBackend();
// A base with larger weights than a fresh init (std 0.5), so a frozen head can express a fit.
const frozen = initParameters(tinyConfig, 11, 0.5);

function loraModel(dropout = 0.1) {
  const weights = new Map([...frozen].map(([k, v]) => [k, Float32Array.from(v)]));
  return new LoraModel(new LlamaModel(tinyConfig, weights, { backend }), backend, {
    rank: 4,
    alpha: 8,
    dropout,
    seed: 3,
  });
}

const data: TrainerData = {
  train: (rng) => cycleBatch(rng, 2, 8, tinyConfig.vocabSize),
  validation: [cycleBatch(new Random(99), 4, 8, tinyConfig.vocabSize)],
};
const options: TrainerOptions = { steps: 8, lr: 3e-2, warmupSteps: 2, weightDecay: 0.01, seed: 5 };

describe("Trainer", () => {
  it("run() with LoRA for a fixed seed gives the pinned first losses, and the loss falls", async () => {
    const trainer = new Trainer(loraModel(), data, { ...options, steps: 30 });
    const { losses } = await trainer.run();
    // Pinned from a first run: any change to the model, LoRA, AdamW or the data order moves them.
    expect(losses.slice(0, 3).map((l) => Number(l.toFixed(5)))).toEqual(PINNED);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.8 * mean(losses.slice(0, 5)));
  });

  it("restore(checkpoint()) resumes to the same adapter as an uninterrupted run", async () => {
    const full = new Trainer(loraModel(), data, options);
    await full.run();
    const first = new Trainer(loraModel(), data, options);
    for (let i = 0; i < 3; i++) await first.trainStep();
    const saved = structuredClone(first.checkpoint());
    const resumed = new Trainer(loraModel(), data, options);
    resumed.restore(saved);
    expect(resumed.step).toBe(3);
    await resumed.run();
    const a = full.model.parameters();
    const b = resumed.model.parameters();
    for (let i = 0; i < a.length; i++)
      expect(Array.from(b[i].value), a[i].name).toEqual(Array.from(a[i].value));
  });

  it("trainStep() throws naming the step when the loss turns NaN", async () => {
    const m = loraModel(0);
    const trainer = new Trainer(m, data, options);
    await trainer.trainStep();
    m.base.weights.get("model.norm.weight")?.fill(Number.NaN);
    await expect(trainer.trainStep()).rejects.toThrow(/loss is NaN at step 2/);
  });

  it("run() with patience stops early and restores the best adapter", async () => {
    const evals: number[] = [];
    // A learning rate far too high makes validation worse after the first evaluations.
    const trainer = new Trainer(loraModel(0), data, {
      ...options,
      steps: 40,
      lr: 0.5,
      decay: "constant",
      maxGradNorm: 0,
      evalEvery: 2,
      patience: 2,
      onEval: (e) => evals.push(e.loss),
    });
    const result = await trainer.run();
    expect(result.stoppedEarly).toBe(true);
    expect(result.steps).toBeLessThan(40);
    expect(result.bestEvalLoss).toBe(Math.min(...evals));
    expect(await trainer.evaluate()).toBeCloseTo(result.bestEvalLoss as number, 6);
  });

  it("run() evaluates the starting point and gives it back when no step improves on it", async () => {
    const model = loraModel(0);
    const start = model.parameters().map((p) => Float32Array.from(p.value));
    // A learning rate far too high: every step's validation loss is worse than the base's.
    const trainer = new Trainer(model, data, {
      ...options,
      lr: 2,
      decay: "constant",
      maxGradNorm: 0,
      evalEvery: 2,
    });
    const result = await trainer.run();
    expect(result.evalLosses[0].step).toBe(0);
    expect(result.evalLosses.slice(1).every((e) => e.loss > result.evalLosses[0].loss)).toBe(true);
    expect(result.bestStep).toBe(0);
    expect(model.parameters().map((p) => Array.from(p.value))).toEqual(
      start.map((v) => Array.from(v)),
    );
  });

  it("trainStep() with gradientAccumulation 2 over batches of 1 equals one step over the same 2 sequences", async () => {
    const two = (rng: Random) => cycleBatch(rng, 2, 8, tinyConfig.vocabSize);
    const seqs = two(new Random(1));
    const half = (b: number) => ({
      ids: seqs.ids.slice(b * 8, b * 8 + 8),
      labels: seqs.labels.slice(b * 8, b * 8 + 8),
      batchSize: 1,
      seqLen: 8,
    });
    let k = 0;
    const acc = new Trainer(
      loraModel(0),
      { train: () => half(k++ % 2) },
      { steps: 1, gradientAccumulation: 2, maxGradNorm: 0 },
    );
    const one = new Trainer(loraModel(0), { train: () => seqs }, { steps: 1, maxGradNorm: 0 });
    const a = await acc.trainStep();
    const b = await one.trainStep();
    expect(a.loss).toBeCloseTo(b.loss, 6);
    expect(a.gradNorm).toBeCloseTo(b.gradNorm, 5);
  });

  it("Trainer(...) rejects unknown options and lists the valid ones", () => {
    expect(
      () => new Trainer(loraModel(), data, { steps: 1, learningRate: 1 } as TrainerOptions),
    ).toThrow(/unknown option "learningRate"; valid: steps, lr/);
  });
});

const PINNED = [2.09674, 3.31784, 2.63285];

describe("trainer checkpoint files", () => {
  it("saveCheckpoint(dir)/loadCheckpoint(dir) round-trip a checkpoint that resumes exactly", async () => {
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { loadCheckpoint, saveCheckpoint } = await import("../../src/node.js");
    const full = new Trainer(loraModel(), data, options);
    await full.run();
    const first = new Trainer(loraModel(), data, options);
    for (let i = 0; i < 4; i++) await first.trainStep();
    const dir = join(await mkdtemp(join(tmpdir(), "kairos-ckpt-")), "c");
    await saveCheckpoint(dir, first.checkpoint());
    const resumed = new Trainer(loraModel(), data, options);
    resumed.restore(await loadCheckpoint(dir));
    await resumed.run();
    const a = full.model.parameters();
    const b = resumed.model.parameters();
    for (let i = 0; i < a.length; i++)
      expect(Array.from(b[i].value), a[i].name).toEqual(Array.from(a[i].value));
  });
});
