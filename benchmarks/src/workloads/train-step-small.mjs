// train-step-small: one LoRA fine-tuning step (forward + backward + AdamW, every activation
// kept) of kairos-base-small at its full window, context 512 + prediction 64 (575 tokens): the
// size the fine-tuning-throughput issue sets its second target at (Kairos / PyTorch + PEFT ≥ 0.7×
// in tokens/s). The full form runs 8 windows a step, the peer's shape (torch-train-step.mjs:
// measured where Python has torch, else recorded); the quick form (CI) 1 window, so the whole
// suite stays short, with the peer's record beside it for scale only.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createBackend, Random } from "@kairos/lora";
import {
  AdamW,
  LlamaModel,
  LoraModel,
  storeAllRunner,
  syntheticWindow,
  tokenizerFor,
  windowBatch,
} from "@kairos/train";
import { loadModel } from "@kairos/train/node";
import { torchTrainStep } from "../torch-train-step.mjs";
import { peerRow, step } from "./train-step.mjs";

const modelDir = fileURLToPath(
  new URL("../../../packages/train/models/kairos-base-small", import.meta.url),
);

const workload = {
  name: "train-step-small",
  description: "kairos-base-small LoRA step at its 575-token window, beside PyTorch + PEFT",
  async setup({ quick }) {
    setFlagsFromString("--expose-gc");
    if (!existsSync(modelDir)) throw new Error(`train-step-small: ${modelDir} is missing`);
    const backend = await createBackend("auto");
    const base = await loadModel(modelDir, { backend });
    const t = base.config.tokenizer;
    const rng = new Random(5);
    const windows = Array.from({ length: quick ? 1 : 8 }, () => syntheticWindow(rng, base.config));
    const batch = windowBatch(tokenizerFor(t), t, windows);
    const model = new LlamaModel(base.config, base.weights, { backend });
    const trainable = new LoraModel(model, backend, { rank: 8, alpha: 16 });
    const optimizer = new AdamW(trainable.parameters(), { weightDecay: 0.01 });
    const setup = { trainable, optimizer, runner: storeAllRunner, seed: 1 };
    return {
      quick,
      backend,
      batch,
      setup,
      gc: runInNewContext("gc"),
      tokens: batch.batchSize * batch.seqLen,
    };
  },
  tasks: {
    "lora-100": { fn: (ctx) => step(ctx, ctx.setup), items: 1, unit: "steps" },
  },
  async report(ctx, { tasks }) {
    const task = tasks["lora-100"];
    // The whole process's RSS peak over one more step, sampled after every stage (weights, wasm
    // memory, pools included): the peer's figure is its getrusage peak.
    ctx.gc();
    const probe = { arrayBuffers: 0, rss: process.memoryUsage().rss, gc: ctx.gc };
    await step(ctx, ctx.setup, probe);
    ctx.loraRss = probe.rss;
    const { batchSize, seqLen } = ctx.batch;
    const rows = [
      {
        run: "lora-100",
        backend: ctx.backend.name,
        "batch×seq": `${batchSize}×${seqLen}`,
        "ms/step": task.medianMs,
        "tokens/s": Math.round((ctx.tokens * 1000) / task.medianMs),
        "process RSS peak MB": Number((ctx.loraRss / 1e6).toFixed(0)),
        source: "this run",
      },
    ];
    const peer = await torchTrainStep({ batch: 8, seq: seqLen, quick: ctx.quick, modelDir });
    if (peer) rows.push(peerRow(ctx, peer.batch === batchSize ? task : null, peer));
    return rows;
  },
  async teardown(ctx) {
    await ctx.backend.dispose?.();
  },
};

export default workload;
