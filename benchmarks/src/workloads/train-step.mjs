// train-step: one fine-tuning step (forward + backward + AdamW) of kairos-base-tiny on a batch of
// synthetic windows: LoRA under activation budgets of 100%, 50% and 25% of its store-all peak
// (checkpointing "optimal"), and full fine-tuning of the same model at the same batch, store-all
// and at 25% of its own peak. Memory: the planner's predicted activation peak beside the live
// activation peak measured during a step (the model's buffer pool counts what is taken and given
// back), the exact weights + gradients + AdamW bytes, the total against full fine-tuning's, and
// the whole process's ArrayBuffer and RSS peaks (sampled after every stage operation, after a
// forced GC so unreachable buffers do not count; the pool is emptied first so the step allocates
// its live set anew). PyTorch + PEFT's LoRA step of the same model files is a peer row in the report
// (torch-train-step.mjs: measured in the full form where Python has it, else recorded), with
// lora-100's tokens/s and RSS peak over its own: reported, never gated.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { BudgetTooSmallError, plan } from "@kairos/checkpointing";
import { createBackend, Random } from "@kairos/lora";
import {
  AdamW,
  FullModel,
  LlamaModel,
  LoraModel,
  measureChain,
  memoryRunner,
  storeAllRunner,
  syntheticWindow,
  tokenizerFor,
  windowBatch,
} from "@kairos/train";
import { loadModel } from "@kairos/train/node";
import { cliFinetune } from "../cli-finetune.mjs";
import { torchTrainStep } from "../torch-train-step.mjs";

const modelDir = fileURLToPath(
  new URL("../../../packages/train/models/kairos-base-tiny", import.meta.url),
);

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
    release: (value) => s.release?.(value),
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

/** Each run: LoRA or full fine-tuning, at a fraction of its own store-all activation peak. */
const runs = {
  "lora-100": { full: false, fraction: 1 },
  "lora-50": { full: false, fraction: 0.5 },
  "lora-25": { full: false, fraction: 0.25 },
  full: { full: true, fraction: 1 },
  "full-25": { full: true, fraction: 0.25 },
};

function trainableFor(ctx, full) {
  const { config, weights } = ctx.base;
  if (!full) {
    const model = new LlamaModel(config, weights, { backend: ctx.backend });
    return new LoraModel(model, ctx.backend, { rank: 8, alpha: 16 });
  }
  const copy = new Map([...weights].map(([k, v]) => [k, Float32Array.from(v)]));
  return new FullModel(new LlamaModel(config, copy, { backend: ctx.backend, trainable: true }));
}

/** Store-all peak and least feasible budget of a model on the batch: one measured chain, planned twice. */
async function peaks(trainable, batch) {
  const chain = await measureChain(trainable.stages(batch), batch.ids);
  const storeAll = plan(chain, { strategy: "store-all" }).peakBytes;
  try {
    plan(chain, { strategy: "optimal", budgetBytes: 0 });
    return { storeAll, minimum: 0 };
  } catch (error) {
    if (!(error instanceof BudgetTooSmallError)) throw error;
    return { storeAll, minimum: error.minimumBytes };
  }
}

async function makeSetup(ctx, name) {
  const { full, fraction } = runs[name];
  const trainable = trainableFor(ctx, full);
  const optimizer = new AdamW(trainable.parameters(), { weightDecay: 0.01 });
  const { storeAll, minimum } = await peaks(trainable, ctx.batch);
  if (fraction === 1) {
    return { trainable, optimizer, runner: storeAllRunner, planned: storeAll, storeAll, seed: 1 };
  }
  // Below the least feasible peak, run at that minimum and say so in the report.
  const budget = Math.max(Math.floor(storeAll * fraction), minimum);
  const runner = memoryRunner({ memoryBudget: budget, checkpointing: "optimal" });
  const planned = await runner.prepare(trainable.stages(ctx.batch), ctx.batch.ids);
  return { trainable, optimizer, runner, planned, budget, storeAll, seed: 1 };
}

/** Weights + trainable gradients + AdamW state of a run, exact. */
function fixedBytes(ctx, s) {
  const weights = [...ctx.base.weights.values()].reduce((a, w) => a + w.byteLength, 0);
  const trainable = s.trainable.parameters().reduce((a, p) => a + p.value.byteLength, 0);
  // Full fine-tuning trains the weights themselves; LoRA adds its adapters beside them.
  const isFull = s.trainable instanceof FullModel;
  return weights + (isFull ? 0 : trainable) + trainable + s.optimizer.stateBytes;
}

/** The peer's row, with lora-100's tokens/s and whole-process RSS peak over the peer's. */
export function peerRow(ctx, lora, peer) {
  const speed = lora ? (ctx.tokens * 1000) / lora.medianMs / peer.tokensPerSecond : null;
  const rss = ctx.loraRss / peer.peakRssBytes;
  return {
    run: peer.label,
    backend: "cpu",
    "batch×seq": `${peer.batch}×${peer.seq}`,
    "ms/step": peer.msPerStep,
    "tokens/s": peer.tokensPerSecond,
    // getrusage's ru_maxrss: the whole Python process, torch's libraries included.
    "process RSS peak MB": Number((peer.peakRssBytes / 1e6).toFixed(0)),
    source: peer.source,
    "lora-100 / peer": `${speed?.toFixed(2) ?? "–"}× tokens/s, ${rss.toFixed(2)}× RSS`,
  };
}

/** `kairos finetune`'s row: its tokens/s over lora-100's, its peak RSS over the peer's. */
function cliRow(ctx, lora, peer, cli) {
  const speed = lora ? cli.tokensPerSecond / ((ctx.tokens * 1000) / lora.medianMs) : null;
  const rss = peer ? `, ${(cli.peakRssBytes / peer.peakRssBytes).toFixed(2)}× peer RSS` : "";
  return {
    run: `kairos finetune (CLI, ${cli.steps} steps, bundled S&P 500)`,
    backend: ctx.backend.name,
    "batch×seq": `${ctx.batch.batchSize}×${cli.tokensPerStep / ctx.batch.batchSize}`,
    "ms/step": Number(((cli.tokensPerStep * 1000) / cli.tokensPerSecond).toFixed(1)),
    "tokens/s": cli.tokensPerSecond,
    "process RSS peak MB": Number((cli.peakRssBytes / 1e6).toFixed(0)),
    source: "this run",
    "CLI vs lora-100, peer": `${speed?.toFixed(2) ?? "–"}× lora-100 tokens/s${rss}`,
  };
}

export async function step(ctx, s, probe) {
  s.trainable.zeroGrad();
  const stages = s.trainable.stages(ctx.batch);
  await s.runner.run(probe ? probed(stages, probe) : stages, ctx.batch.ids, 1, s.seed++);
  s.optimizer.update(1e-4);
}

const workload = {
  name: "train-step",
  description:
    "kairos-base-tiny fine-tuning step: LoRA at 100/50/25% activation budgets vs full fine-tuning at 100/25%",
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
      quick,
      backend,
      base,
      batch,
      gc: runInNewContext("gc"),
      tokens: batch.batchSize * batch.seqLen,
      setups: {},
    };
    for (const name of Object.keys(runs)) ctx.setups[name] = await makeSetup(ctx, name);
    return ctx;
  },
  tasks: Object.fromEntries(
    Object.keys(runs).map((name) => [
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
    { name: "full-25 / full speed", of: "full-25", over: "full" },
  ],
  async memory(ctx) {
    const out = {};
    for (const [name, s] of Object.entries(ctx.setups)) {
      // Under a budget the plan weighs measured stage times, so its peak moves run to run below
      // the budget: the budget (a fraction of the exact store-all peak) is the fixed figure, and
      // a plan past it is a bug, not a regression.
      if (s.budget != null && s.planned > s.budget) {
        throw new Error(`${name}: planned peak ${s.planned} bytes exceeds its budget ${s.budget}`);
      }
      out[`${name}.${s.budget == null ? "plannedActivationPeak" : "activationBudget"}`] =
        s.budget ?? s.planned;
      out[`${name}.weights+grads+adamw`] = fixedBytes(ctx, s);
    }
    return out;
  },
  async report(ctx, { tasks }) {
    const rows = [];
    const total = (s) => fixedBytes(ctx, s) + s.planned;
    const fullTotal = total(ctx.setups.full);
    for (const [name, s] of Object.entries(ctx.setups)) {
      // Empty the model's pool first, so the step allocates its live set anew and the process's
      // ArrayBuffer peak measures it (pooled buffers included: they are the process's memory).
      const pool = (s.trainable.base ?? s.trainable.model).scratch;
      pool.clear();
      ctx.gc();
      const before = process.memoryUsage();
      const probe = { arrayBuffers: before.arrayBuffers, rss: before.rss, gc: ctx.gc };
      const live = pool.liveBytes;
      pool.resetPeak();
      await step(ctx, s, probe);
      rows.push({
        run: name,
        "budget % of store-all": Math.round((100 * (s.budget ?? s.storeAll)) / s.storeAll),
        backend: ctx.backend.name,
        "batch×seq": `${ctx.batch.batchSize}×${ctx.batch.seqLen}`,
        "ms/step": tasks[name]?.medianMs,
        "tokens/s": tasks[name] ? Math.round((ctx.tokens * 1000) / tasks[name].medianMs) : null,
        "planned act. peak MB": Number((s.planned / 1e6).toFixed(2)),
        // Counted by the model's pool as buffers are taken and given back (LoRA's x·Aᵀ, kept
        // inside the adapters, is the part of the plan it does not see).
        "measured live act. peak MB": Number(((pool.peakLiveBytes - live) / 1e6).toFixed(2)),
        // Whole-process figures (Node, weights, wasm memory, named scratch included).
        "process ArrayBuffer peak MB": Number((probe.arrayBuffers / 1e6).toFixed(1)),
        "process RSS peak MB": Number((probe.rss / 1e6).toFixed(0)),
        "weights+grads+AdamW MB": Number((fixedBytes(ctx, s) / 1e6).toFixed(2)),
        "planned total MB": Number((total(s) / 1e6).toFixed(2)),
        // The target: LoRA's total at least 60% below full fine-tuning's (store-all).
        "below full FT": `${Math.round(100 * (1 - total(s) / fullTotal))}%`,
        source: "this run",
      });
      if (name === "lora-100") ctx.loraRss = probe.rss;
    }
    const { batchSize, seqLen } = ctx.batch;
    const peer = await torchTrainStep({ batch: batchSize, seq: seqLen, quick: ctx.quick });
    if (peer) rows.push(peerRow(ctx, tasks["lora-100"], peer));
    // The CLI at the same batch, in the full form only (CI's quick form stays short).
    const cli = ctx.quick ? null : await cliFinetune({ batch: batchSize });
    if (cli) rows.push(cliRow(ctx, tasks["lora-100"], peer, cli));
    return rows;
  },
  async teardown(ctx) {
    await ctx.backend.dispose?.();
  },
};

export default workload;
