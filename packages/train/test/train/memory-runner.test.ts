import { simulate, stageRandom } from "@kairos/checkpointing";
import { Random, ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { LoraModel } from "../../src/finetune/lora-model.js";
import { tokenizerFor, windowBatch } from "../../src/finetune/token-windows.js";
import { LlamaModel } from "../../src/model/llama.js";
import { initParameters } from "../../src/model/parameters.js";
import { FullModel } from "../../src/pretrain/full-model.js";
import { measureChain, memoryRunner } from "../../src/train/memory-runner.js";
import { parseBytes } from "../../src/train/parse-bytes.js";
import { Trainer } from "../../src/train/trainer.js";
import { forecasterConfig, seasonalSeries, tinyForecaster } from "../helpers/forecaster.js";

const backend = new ReferenceBackend();
const stageRandomFor = (stage: number) => stageRandom(7, stage);
const t = forecasterConfig.tokenizer as NonNullable<typeof forecasterConfig.tokenizer>;
const tok = tokenizerFor(t);
const series = seasonalSeries(200);
const draw = (rng: Random) =>
  windowBatch(
    tok,
    t,
    Array.from({ length: 3 }, () => {
      const cut = 24 + rng.int(160);
      return { context: series.subarray(cut - 24, cut), target: series.subarray(cut, cut + 8) };
    }),
  );

/** Trains 3 steps under `options`: LoRA (dropout 0.1) or, with `full`, every weight. */
async function train(options: Parameters<typeof memoryRunner>[0], full = false) {
  const lora = full
    ? new FullModel(
        new LlamaModel(forecasterConfig, initParameters(forecasterConfig, 1, 0.5), {
          backend,
          trainable: true,
        }),
      )
    : new LoraModel(tinyForecaster(backend), backend, { rank: 4, alpha: 8, dropout: 0.1, seed: 1 });
  const runner = memoryRunner(options);
  const probe = draw(new Random(0));
  const peak = await runner.prepare(lora.stages(probe), probe.ids);
  const trainer = new Trainer(lora, { train: draw }, { steps: 3, lr: 1e-2, seed: 2 }, runner);
  const { losses } = await trainer.run();
  return { lora, losses, peak, runner };
}

describe("memoryRunner", () => {
  it("measureChain(...) reports each stage's exact output and context bytes, each buffer once", async () => {
    const lora = new LoraModel(tinyForecaster(backend), backend, { rank: 4 });
    const batch = draw(new Random(3));
    const chain = await measureChain(lora.stages(batch), batch.ids);
    const N = batch.batchSize * batch.seqLen;
    const [C, I, H, KV, D, r] = [16, 32, 2, 1, 8, 4];
    expect(chain.outputBytes).toEqual([4 * N, ...Array(5).fill(4 * N * C), 4]);
    expect(chain.contextBytes[0]).toBe(0);
    // Attention (LoRA on q, k, v, o): the normed input once (q, k and v share it), rstd, q, k, v,
    // one log-sum-exp per head and row (no T×T probabilities), o_proj's input, each adapter's x·Aᵀ.
    const attention = N * C + N + N * H * D + 2 * N * KV * D + H * N + N * H * D + 4 * N * r;
    // Frozen MLP: rstd, gate and up for SwiGLU's backward; neither the normed input nor the gated
    // product, which only frozen projections would read.
    const mlp = N + 2 * N * I;
    expect(chain.contextBytes.slice(1, 5)).toEqual(
      [attention, mlp, attention, mlp].map((b) => 4 * b),
    );
  });

  it.each([
    ["sqrt", "LoRA"],
    ["optimal", "LoRA"],
    ["optimal", "full"],
  ] as const)(
    "memoryRunner({ checkpointing: %s }) trains bit-identically to store-all (%s fine-tuning), context forwards included",
    async (strategy, kind) => {
      const full = kind === "full";
      const reference = await train({}, full);
      const chain = reference.runner.chain;
      expect(chain).toBeNull();
      const all = await train({ checkpointing: "none", memoryBudget: "1GB" }, full);
      const storeAll = all.peak as number;
      const budget = strategy === "optimal" ? Math.floor(storeAll * 0.6) : undefined;
      const run = await train({ checkpointing: strategy, memoryBudget: budget }, full);
      // The last recomputation before each backward builds no output (o_proj, down_proj skipped).
      expect(run.runner.plan?.ops.some((op) => op.type === "forward-context")).toBe(true);
      expect(run.runner.chain?.contextForwardCost).toHaveLength(
        run.runner.chain!.forwardCost.length,
      );
      expect(run.losses).toEqual(reference.losses);
      const a = reference.lora.parameters();
      const b = run.lora.parameters();
      for (let i = 0; i < a.length; i++)
        expect(Array.from(b[i].value), a[i].name).toEqual(Array.from(a[i].value));
      expect(run.peak as number).toBeLessThan(storeAll);
      if (budget) expect(run.peak as number).toBeLessThanOrEqual(budget);
      // The planner's prediction agrees with the checkpointing simulator's own accounting.
      const plan = run.runner.plan;
      expect(plan && simulate(run.runner.chain as never, plan.ops).peakBytes).toBe(run.peak);
    },
  );

  it.each(["LoRA", "full"])(
    "every stage's backward is bit-identical after a context forward or a lean save; attention's lean context is smaller (%s fine-tuning)",
    async (kind) => {
      const lora =
        kind === "full"
          ? new FullModel(
              new LlamaModel(forecasterConfig, initParameters(forecasterConfig, 1, 0.5), {
                backend,
                trainable: true,
              }),
            )
          : new LoraModel(tinyForecaster(backend), backend, { rank: 4, dropout: 0.1 });
      const batch = draw(new Random(4));
      const stages = lora.stages(batch);
      const modes = [{}, { output: false }, { lean: true }];
      let input: Float32Array | Int32Array = batch.ids;
      for (const [i, stage] of stages.entries()) {
        const runs: { dx: number[]; grads: number[][]; bytes: number; output?: Float32Array }[] =
          [];
        for (const mode of modes) {
          lora.zeroGrad();
          const rng = stageRandomFor(i);
          const f = await stage.forward(input, { save: true, rng, ...mode });
          // The output gradient: sized by the full forward, the first mode.
          const length = (runs[0]?.output ?? f.output)?.length ?? 0;
          const dy = Float32Array.from({ length }, (_, j) => Math.sin(j));
          const dx = await stage.backward(f.context as { bytes: number }, input, dy);
          const grads = lora.parameters().map((p) => Array.from(p.grad));
          runs.push({ dx: Array.from(dx), grads, bytes: f.context?.bytes ?? 0, output: f.output });
        }
        // The last stage's output is the caller's: checkpointing never asks it for none.
        if (i < stages.length - 1) expect(runs[1].output, stage.name).toBeUndefined();
        for (const r of runs.slice(1)) {
          expect(r.dx, stage.name).toEqual(runs[0].dx);
          expect(r.grads, stage.name).toEqual(runs[0].grads);
        }
        if (stage.name.endsWith("attention")) expect(runs[2].bytes).toBeLessThan(runs[0].bytes / 2);
        else expect(runs[2].bytes, stage.name).toBe(runs[0].bytes);
        input = (await stage.forward(input, { save: false, rng: stageRandomFor(i) }))
          .output as Float32Array;
      }
    },
  );

  it("prepare(...) with a budget below the least feasible peak fails at once with the minimum", async () => {
    const lora = new LoraModel(tinyForecaster(backend), backend, { rank: 4 });
    const probe = draw(new Random(0));
    const runner = memoryRunner({ memoryBudget: 1000 }, "finetune()");
    await expect(runner.prepare(lora.stages(probe), probe.ids)).rejects.toThrow(
      /finetune\(\): memoryBudget must be at least \d+ bytes for this model and batch with checkpointing "optimal", got 1000/,
    );
    const error = await runner.prepare(lora.stages(probe), probe.ids).catch((e) => e);
    const fits = memoryRunner({ memoryBudget: error.minimumBytes });
    expect(await fits.prepare(lora.stages(probe), probe.ids)).toBeLessThanOrEqual(
      error.minimumBytes,
    );
  });

  it("memoryRunner(...) rejects an unknown strategy and optimal without a budget", () => {
    expect(() => memoryRunner({ checkpointing: "revolve" as never })).toThrow(
      /checkpointing must be "none", "sqrt" or "optimal", got "revolve"/,
    );
    expect(() => memoryRunner({ checkpointing: "optimal" })).toThrow(/needs a memoryBudget/);
  });
});

it("parseBytes(...) reads decimal and binary units and rejects nonsense", () => {
  expect(parseBytes("256MB")).toBe(256e6);
  expect(parseBytes("1.5 GiB")).toBe(1.5 * 1024 ** 3);
  expect(parseBytes(4096)).toBe(4096);
  expect(() => parseBytes("12 parsecs", "memoryBudget", "finetune()")).toThrow(
    /finetune\(\): memoryBudget must be .* got "12 parsecs"/,
  );
  expect(() => parseBytes(-1)).toThrow(/got -1/);
});

/** Counts `Float32Array`s constructed while `fn` runs (any way: new, from, of, slice). */
async function float32Allocations(fn: () => Promise<void>): Promise<number> {
  const original = globalThis.Float32Array;
  let count = 0;
  globalThis.Float32Array = new Proxy(original, {
    construct(target, args, newTarget) {
      count++;
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    await fn();
  } finally {
    globalThis.Float32Array = original;
  }
  return count;
}

it("trainStep() in a steady state allocates no Float32Array, with and without recomputation", async () => {
  for (const options of [{}, { memoryBudget: 0 }] as const) {
    const model = tinyForecaster(backend);
    const lora = new LoraModel(model, backend, { rank: 4, dropout: 0.1 });
    const probe = draw(new Random(0));
    let runner = memoryRunner({});
    if ("memoryBudget" in options) {
      const error = await memoryRunner({ memoryBudget: 1 })
        .prepare(lora.stages(probe), probe.ids)
        .catch((e) => e);
      runner = memoryRunner({ memoryBudget: error.minimumBytes });
      await runner.prepare(lora.stages(probe), probe.ids);
    }
    // One batch shape throughout (the pool keeps buffers by length).
    const trainer = new Trainer(lora, { train: () => probe }, { steps: 6, seed: 1 }, runner);
    for (let i = 0; i < 2; i++) await trainer.trainStep();
    const before = model.scratch.allocations;
    const count = await float32Allocations(async () => {
      for (let i = 0; i < 3; i++) await trainer.trainStep();
    });
    expect(count, JSON.stringify(options)).toBe(0);
    expect(model.scratch.allocations).toBe(before);
    expect(before).toBeGreaterThan(0);
  }
});
