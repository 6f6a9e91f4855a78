import { simulate } from "@kairos/checkpointing";
import { ReferenceBackend, Random as Rng } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { BoltLoraModel } from "../../../src/finetune/bolt-lora-model.js";
import type { BoltBatch } from "../../../src/model/bolt/bolt-batch.js";
import { boltBatch } from "../../../src/model/bolt/bolt-batch.js";
import { ChronosBoltModel } from "../../../src/model/bolt/bolt-model.js";
import { memoryRunner } from "../../../src/train/memory-runner.js";
import { Trainer } from "../../../src/train/trainer.js";
import { maxRelError, numericGradient, spread } from "../../helpers/finite-difference.js";
import { naiveBackend } from "../../helpers/naive-backend.js";
import {
  seasonal,
  tinyBoltBatch,
  tinyBoltConfig,
  tinyBoltWeights,
} from "../../helpers/tiny-bolt.js";

const backend = new ReferenceBackend();

describe.each([
  ["relu", 4],
  ["gelu_new", 2],
] as const)("ChronosBoltModel (%s, stride %i)", (activation, stride) => {
  const config = tinyBoltConfig(activation, stride);
  const model = new ChronosBoltModel(config, tinyBoltWeights(config), {
    backend: naiveBackend,
    trainable: true,
  });
  const batch = tinyBoltBatch(config);

  it("lossAndBackward(batch) matches finite differences of loss(batch) for every weight", async () => {
    model.zeroGrad();
    const loss = await model.lossAndBackward(batch);
    expect(loss).toBeCloseTo(await model.loss(batch), 5);
    const grads = model.grads as Map<string, Float32Array>;
    expect([...grads.keys()].sort()).toEqual([...model.weights.keys()].sort());
    for (const [key, w] of model.weights) {
      const idx = spread(w.length, 4);
      const num = await numericGradient(() => model.loss(batch), w, idx, 2e-3);
      const ana = idx.map((i) => (grads.get(key) as Float32Array)[i]);
      expect(maxRelError(ana, num, 2e-2), key).toBeLessThan(3e-2);
    }
    // [REG] (shared row 1) and the decoder start (row 0) both get gradient.
    const shared = grads.get("shared.weight") as Float32Array;
    expect(shared.subarray(0, 8).some((g) => g !== 0)).toBe(true);
    expect(shared.subarray(8, 16).some((g) => g !== 0)).toBe(true);
  });

  it("stages(batch) name the chain and run one at a time give lossAndBackward's gradients", async () => {
    model.zeroGrad();
    const loss = await model.lossAndBackward(batch);
    const want = [...(model.grads as Map<string, Float32Array>).values()].map((g) => [...g]);
    model.zeroGrad();
    const stages = model.stages(batch);
    expect(stages.map((s) => s.name)).toEqual([
      "bolt.input",
      "encoder.block0",
      "encoder.block1",
      "bridge",
      "decoder.block0",
      "decoder.block1",
      "decoder.final_layer_norm",
      "bolt.head",
    ]);
    const inputs: (Float32Array | Int32Array)[] = [batch.patches];
    const contexts = [];
    for (const [i, s] of stages.entries()) {
      const f = await s.forward(inputs[i], { save: true, rng: () => 0.5 });
      contexts.push(f.context as { bytes: number });
      inputs.push(f.output as Float32Array);
    }
    expect(inputs[1].length).toBe(2 * batch.encoderLength * 8);
    expect(inputs[8][0]).toBe(loss);
    let d: Float32Array = Float32Array.of(1);
    for (let i = stages.length - 1; i >= 0; i--)
      d = await stages[i].backward(contexts[i], inputs[i], d);
    const got = [...(model.grads as Map<string, Float32Array>).values()].map((g) => [...g]);
    expect(got).toEqual(want);
  });
});

/** A batch of 2 windows of the tiny series, drawn at random offsets. */
function draw(rng: Rng): BoltBatch {
  const config = tinyBoltConfig();
  const at = [rng.int(20), rng.int(20)];
  return boltBatch(
    config,
    at.map((t) => seasonal(14, t, 10)),
    at.map((t) => seasonal(3, t + 14, 10)),
    14,
  );
}

/** 3 training steps under `options`: LoRA on q, k, v, o, wi, wo (dropout 0.1), or every weight. */
async function train(options: Parameters<typeof memoryRunner>[0], full: boolean) {
  const config = tinyBoltConfig();
  const base = new ChronosBoltModel(config, tinyBoltWeights(config), { backend, trainable: full });
  const model = full
    ? base
    : new BoltLoraModel(base, backend, {
        rank: 2,
        alpha: 4,
        dropout: 0.1,
        seed: 1,
        targetModules: ["q", "k", "v", "o", "wi", "wo"],
      });
  const runner = memoryRunner(options);
  const probe = draw(new Rng(0));
  const peak = await runner.prepare(model.stages(probe), probe.patches);
  const trainer = new Trainer<BoltBatch>(
    model,
    { train: draw },
    { steps: 3, lr: 1e-2, seed: 2 },
    runner,
  );
  const { losses } = await trainer.run();
  return { model, losses, peak, runner };
}

it.each([
  ["LoRA", false],
  ["full", true],
] as const)(
  "memoryRunner({ memoryBudget }) trains a Bolt chain bit-identically to store-all (%s)",
  async (_kind, full) => {
    const reference = await train({}, full);
    const all = await train({ checkpointing: "none", memoryBudget: "1GB" }, full);
    const budget = Math.floor((all.peak as number) * 0.6);
    const run = await train({ memoryBudget: budget }, full);
    expect(run.losses).toEqual(reference.losses);
    expect(reference.losses.every(Number.isFinite)).toBe(true);
    const a = reference.model.parameters();
    const b = run.model.parameters();
    for (let i = 0; i < a.length; i++)
      expect(Array.from(b[i].value), a[i].name).toEqual(Array.from(a[i].value));
    expect(run.peak as number).toBeLessThanOrEqual(budget);
    const plan = run.runner.plan;
    expect(
      plan?.ops.some((op) => op.type.startsWith("forward") && op.type !== "forward-save"),
    ).toBe(true);
    expect(plan && simulate(run.runner.chain as never, plan.ops).peakBytes).toBe(run.peak);
  },
);
