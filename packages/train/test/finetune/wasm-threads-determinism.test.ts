// LoRA steps of kairos-base-tiny on the wasm backend's two threads are reproducible: two
// identical runs give the same loss at every step, bit for bit. A job too small to wake the
// workers once returned before a tile a still-looping worker had claimed was written, and then
// one step in a few dozen read a half-written output (runs differed within 61 steps, 3 of 3).
import { join } from "node:path";
import { createWasmBackend, Random } from "@kairos/lora";
import { afterAll, expect, it } from "vitest";
import { LoraModel } from "../../src/finetune/lora-model.js";
import { windowBatch } from "../../src/finetune/token-windows.js";
import { LlamaModel } from "../../src/model/llama.js";
import { tokenizerFor } from "../../src/model/tokenizer-registry.js";
import { loadModel } from "../../src/node.js";
import { syntheticWindow } from "../../src/pretrain/pretrain.js";
import { AdamW } from "../../src/train/adamw.js";
import { storeAllRunner } from "../../src/train/step-runner.js";

const backend = await createWasmBackend({ threads: 2 });
afterAll(() => backend.dispose());

it("two identical LoRA runs on 2 threads give the same losses bit for bit", async () => {
  const base = await loadModel(join(import.meta.dirname, "../../models/kairos-base-tiny"), {
    backend,
  });
  const t = base.config.tokenizer;
  if (!t) throw new Error("kairos-base-tiny has no tokenizer settings");
  const rng = new Random(5);
  const windows = Array.from({ length: 8 }, () => syntheticWindow(rng, base.config));
  const batch = windowBatch(tokenizerFor(t), t, windows);
  const run = () => {
    const model = new LlamaModel(base.config, base.weights, { backend });
    const lora = new LoraModel(model, backend, { rank: 8, alpha: 16 });
    return {
      lora,
      optimizer: new AdamW(lora.parameters(), { weightDecay: 0.01 }),
      losses: [] as number[],
    };
  };
  const runs = [run(), run()];
  for (let step = 1; step <= 61; step++) {
    for (const r of runs) {
      r.lora.zeroGrad();
      r.losses.push(await storeAllRunner.run(r.lora.stages(batch), batch.ids, 1, step));
      r.optimizer.update(1e-4);
    }
  }
  expect(runs[1].losses).toEqual(runs[0].losses);
}, 60_000);
