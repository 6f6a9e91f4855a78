import { simulate } from "@kairos/checkpointing";
import { type Random, ReferenceBackend, Random as Rng } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { T5LoraModel } from "../../../src/finetune/t5-lora-model.js";
import type { Seq2SeqBatch } from "../../../src/model/t5/seq2seq-batch.js";
import { shiftRight } from "../../../src/model/t5/seq2seq-batch.js";
import { T5Model } from "../../../src/model/t5/t5-model.js";
import { memoryRunner } from "../../../src/train/memory-runner.js";
import { Trainer } from "../../../src/train/trainer.js";
import { tinySeq2SeqBatch, tinyT5Config, tinyT5Weights } from "../../helpers/tiny-t5.js";

const backend = new ReferenceBackend();

/** A batch of 2 sequences (6 encoder positions, the second half-padded; 4 decoder positions). */
function draw(rng: Random): Seq2SeqBatch {
  const [B, Te, Td] = [2, 6, 4];
  const inputIds = Int32Array.from({ length: B * Te }, () => 2 + rng.int(11));
  const attentionMask = Uint8Array.from({ length: B * Te }, (_, i) => (i >= Te + 3 ? 0 : 1));
  const labels = Int32Array.from({ length: B * Td }, () => 2 + rng.int(11));
  labels[B * Td - 1] = -100;
  const decoderInputIds = shiftRight(labels, B, 0, 0);
  return {
    inputIds,
    attentionMask,
    decoderInputIds,
    labels,
    batchSize: B,
    encoderLength: Te,
    decoderLength: Td,
  };
}

/** 3 training steps under `options`: LoRA on every kind of module (dropout 0.1), or every weight. */
async function train(options: Parameters<typeof memoryRunner>[0], full: boolean, gated: boolean) {
  const config = tinyT5Config(gated, !gated);
  const base = new T5Model(config, tinyT5Weights(config), { backend, trainable: full });
  const model = full
    ? base
    : new T5LoraModel(base, backend, {
        rank: 2,
        alpha: 4,
        dropout: 0.1,
        seed: 1,
        targetModules: ["q", "k", "v", "o", "wi", "wo"],
      });
  const runner = memoryRunner(options);
  const probe = draw(new Rng(0));
  const peak = await runner.prepare(model.stages(probe), probe.inputIds);
  const trainer = new Trainer<Seq2SeqBatch>(
    model,
    { train: draw },
    { steps: 3, lr: 1e-2, seed: 2 },
    runner,
  );
  const { losses } = await trainer.run();
  return { model, losses, peak, runner };
}

describe("T5 stages", () => {
  it("stages(batch) run one at a time give the loss and gradients of lossAndBackward(batch)", async () => {
    const config = tinyT5Config(true, false);
    const model = new T5Model(config, tinyT5Weights(config), { backend, trainable: true });
    const batch = tinySeq2SeqBatch;
    const loss = await model.lossAndBackward(batch);
    const want = [...(model.grads as Map<string, Float32Array>)].map(([k, g]) => [
      k,
      Array.from(g),
    ]);
    model.zeroGrad();
    const stages = model.stages(batch);
    expect(stages.map((s) => s.name)).toEqual([
      "encoder.embed",
      "encoder.block0",
      "encoder.block1",
      "bridge",
      "decoder.block0",
      "decoder.block1",
      "head",
    ]);
    const inputs: (Float32Array | Int32Array)[] = [batch.inputIds];
    const contexts = [];
    for (const [i, s] of stages.entries()) {
      const f = await s.forward(inputs[i], { save: true, rng: () => 0.5 });
      contexts.push(f.context as { bytes: number });
      inputs.push(f.output as Float32Array);
    }
    // The carried layout: [decoder hidden | encoder output] from the bridge on.
    const C = config.dModel;
    expect(inputs[4].length).toBe((2 * 4 + 2 * 5) * C);
    expect(inputs[7][0]).toBe(loss);
    let d: Float32Array = Float32Array.of(1);
    for (let i = stages.length - 1; i >= 0; i--)
      d = await stages[i].backward(contexts[i], inputs[i], d);
    const got = [...(model.grads as Map<string, Float32Array>)].map(([k, g]) => [k, Array.from(g)]);
    expect(got).toEqual(want);
  });

  it.each([
    ["LoRA", false, false],
    ["LoRA", false, true],
    ["full", true, false],
  ] as const)(
    "memoryRunner({ memoryBudget }) trains a T5 chain bit-identically to store-all (%s, full %s, gated %s)",
    async (_kind, full, gated) => {
      const reference = await train({}, full, gated);
      const all = await train({ checkpointing: "none", memoryBudget: "1GB" }, full, gated);
      const storeAll = all.peak as number;
      const budget = Math.floor(storeAll * 0.6);
      const run = await train({ memoryBudget: budget }, full, gated);
      expect(run.losses).toEqual(reference.losses);
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
      expect(reference.losses.every(Number.isFinite)).toBe(true);
    },
  );
});
