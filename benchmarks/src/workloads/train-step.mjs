// train-step: one fine-tuning step (forward + backward + AdamW) of kairos-base-tiny on a batch of
// synthetic windows, LoRA under activation budgets of 100%, 50% and 25% of the store-all peak
// (checkpointing "optimal"), and full fine-tuning of the same model at the same batch. Memory: the
// planner's predicted activation peak, the exact weights + gradients + AdamW bytes, and measured
// peaks of the process's ArrayBuffer and RSS during a step (sampled after every stage operation,
// after a forced GC, so unreachable buffers do not count; buffers the model's pool already holds
// from earlier steps are not new, so they are reported beside it as "pool+scratch").
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createBackend } from "@kairos/lora";
import {
  AdamW,
  FullModel,
  LlamaModel,
  LoraModel,
  memoryRunner,
  Random,
  storeAllRunner,
  syntheticWindow,
  tokenizerFor,
  windowBatch,
} from "@kairos/train";
import { loadModel } from "@kairos/train/node";

const modelDir = fileURLToPath(
  new URL("../../../packages/train/models/kairos-base-tiny", import.meta.url),
);
const fractions = { "lora-100": 1, "lora-50": 0.5, "lora-25": 0.25 };

/** Wraps stages so every forward/backward samples process memory into `probe`. */
function probed(stages, probe) {
  const sample = () => {
    probe.gc(); // count live buffers only, not garbage a collection has not reached yet
    const m = process.memoryUsage();
    probe.arrayBuffers = Math.max(probe.arrayBuffers, m.arrayBuffers);
    probe.rss = Math.max(probe.rss, m.rss);
  };
  return stages.map((s) => ({
    name: s.name,
    forward: async (x, o) => {
      const r = await s.forward(x, o);
      sample();
      return r;
    },
    backward: async (c, x, d) => {
      const r = await s.backward(c, x, d);
      sample();
      return r;
    },
  }));
}

async function makeSetup(ctx, name) {
  const full = name === "full";
  const { config, weights } = ctx.base;
  const model = full
    ? new LlamaModel(config, new Map([...weights].map(([k, v]) => [k, Float32Array.from(v)])), {
        backend: ctx.backend,
        trainable: true,
      })
    : new LlamaModel(config, weights, { backend: ctx.backend });
  const trainable = full
    ? new FullModel(model)
    : new LoraModel(model, ctx.backend, { rank: 8, alpha: 16 });
  const optimizer = new AdamW(trainable.parameters(), { weightDecay: 0.01 });
  if (full) {
    // The full model's own store-all peak: trainable projections keep their inputs for dW.
    const probe = memoryRunner({ checkpointing: "none", memoryBudget: 2 ** 40 });
    const planned = await probe.prepare(trainable.stages(ctx.batch), ctx.batch.ids);
    return { trainable, optimizer, runner: storeAllRunner, planned, seed: 1 };
  }
  // Below the least feasible peak, run at that minimum and say so in the report.
  const budget = Math.max(Math.floor(ctx.storeAllPeak * fractions[name]), ctx.minimumBytes);
  const runner = memoryRunner({ memoryBudget: budget, checkpointing: "optimal" });
  const planned = await runner.prepare(trainable.stages(ctx.batch), ctx.batch.ids);
  return { trainable, optimizer, runner, planned, budget, seed: 1 };
}

/** The least feasible activation budget for this model and batch (from the planner's error). */
async function minimumBudget(trainable, batch) {
  const tiny = memoryRunner({ memoryBudget: 1, checkpointing: "optimal" });
  const error = await tiny.prepare(trainable.stages(batch), batch.ids).catch((e) => e);
  return error.minimumBytes;
}

async function step(ctx, s, probe) {
  s.trainable.zeroGrad();
  const stages = s.trainable.stages(ctx.batch);
  await s.runner.run(probe ? probed(stages, probe) : stages, ctx.batch.ids, 1, s.seed++);
  s.optimizer.update(1e-4);
}

const workload = {
  name: "train-step",
  description:
    "kairos-base-tiny fine-tuning step: LoRA at 100/50/25% activation budgets vs full fine-tuning",
  async setup({ quick }) {
    setFlagsFromString("--expose-gc");
    const backend = await createBackend("auto");
    if (!existsSync(modelDir))
      throw new Error(
        `train-step: ${modelDir} is missing (run packages/train/scripts/pretrain-base-tiny.mjs)`,
      );
    const base = await loadModel(modelDir, { backend });
    const t = base.config.tokenizer;
    const rng = new Random(5);
    const batchSize = quick ? 4 : 8;
    const batch = windowBatch(
      tokenizerFor(t),
      t,
      Array.from({ length: batchSize }, () => syntheticWindow(rng, base.config)),
    );
    const ctx = {
      backend,
      base,
      batch,
      gc: runInNewContext("gc"),
      tokens: batch.batchSize * batch.seqLen,
      setups: {},
    };
    const probeModel = new LoraModel(
      new LlamaModel(base.config, base.weights, { backend }),
      backend,
      {
        rank: 8,
      },
    );
    const probe = memoryRunner({ checkpointing: "none", memoryBudget: 2 ** 40 });
    ctx.storeAllPeak = await probe.prepare(probeModel.stages(batch), batch.ids);
    ctx.minimumBytes = await minimumBudget(probeModel, batch);
    for (const name of [...Object.keys(fractions), "full"])
      ctx.setups[name] = await makeSetup(ctx, name);
    return ctx;
  },
  tasks: Object.fromEntries(
    [...Object.keys(fractions), "full"].map((name) => [
      name,
      {
        fn: (ctx) => step(ctx, ctx.setups[name]),
        items: 1, // tokens/s is in the report table (tokens a step = batch × sequence length)
        unit: "steps",
      },
    ]),
  ),
  ratios: [
    { name: "lora-25 / lora-100 speed", of: "lora-25", over: "lora-100", min: 1 / 1.35 },
    { name: "lora-50 / lora-100 speed", of: "lora-50", over: "lora-100" },
    { name: "lora-100 / full speed", of: "lora-100", over: "full" },
  ],
  async memory(ctx) {
    const out = {};
    for (const [name, s] of Object.entries(ctx.setups)) {
      const params = s.trainable.parameters();
      const trainable = params.reduce((a, p) => a + p.value.byteLength, 0);
      const weights = [...ctx.base.weights.values()].reduce((a, w) => a + w.byteLength, 0);
      out[`${name}.plannedActivationPeak`] = s.planned;
      out[`${name}.weights+grads+adamw`] =
        weights + (name === "full" ? 0 : trainable) + trainable + s.optimizer.stateBytes;
    }
    return out;
  },
  async report(ctx, { tasks }) {
    const rows = [];
    const weights = [...ctx.base.weights.values()].reduce((a, w) => a + w.byteLength, 0);
    for (const [name, s] of Object.entries(ctx.setups)) {
      ctx.gc();
      const before = process.memoryUsage();
      const probe = { arrayBuffers: before.arrayBuffers, rss: before.rss, gc: ctx.gc };
      await step(ctx, s, probe);
      const params = s.trainable.parameters();
      const trainable = params.reduce((a, p) => a + p.value.byteLength, 0);
      const fixed =
        weights + (name === "full" ? 0 : trainable) + trainable + s.optimizer.stateBytes;
      rows.push({
        run: name,
        "budget % of store-all": Math.round(
          (100 * (s.budget ?? ctx.storeAllPeak)) / ctx.storeAllPeak,
        ),
        backend: ctx.backend.name,
        "batch×seq": `${ctx.batch.batchSize}×${ctx.batch.seqLen}`,
        "ms/step": tasks[name]?.medianMs,
        "tokens/s": tasks[name] ? Math.round((ctx.tokens * 1000) / tasks[name].medianMs) : null,
        "planned act. peak MB": Number((s.planned / 1e6).toFixed(2)),
        "weights+grads+AdamW MB": Number((fixed / 1e6).toFixed(2)),
        "planned total MB": Number(((fixed + s.planned) / 1e6).toFixed(2)),
        // The model's pool keeps the largest live set a step needed (what the schedule holds).
        "model pool+scratch MB": Number(
          ((s.trainable.base ?? s.trainable.model).scratch.bytes / 1e6).toFixed(2),
        ),
        "measured ΔArrayBuffer MB": Number(
          ((probe.arrayBuffers - before.arrayBuffers) / 1e6).toFixed(2),
        ),
        "measured ΔRSS MB": Number(((probe.rss - before.rss) / 1e6).toFixed(2)),
      });
    }
    return rows;
  },
  async teardown(ctx) {
    await ctx.backend.dispose?.();
  },
};

export default workload;
