// LoRA fine-tuning steps of a model directory on synthetic windows, timed one by one: the loop to
// run under a profiler when a step is slow (`node --cpu-prof --cpu-prof-dir=/tmp/prof
// scripts/lora-steps.mjs ../packages/train/models/kairos-base-small 6`, then open the main
// thread's and the worker's profiles). Same step as the train-step workloads' lora-100: rank 8 /
// alpha 16 on q, k, v, o, every activation kept, AdamW; 8 windows of the model's full length.
//   node scripts/lora-steps.mjs [modelDir] [steps] [batch]
import { createBackend, Random } from "@kairos/lora";
import { enableRelaxedSimd } from "@kairos/lora/node";
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

const [dir = "../packages/train/models/kairos-base-small", stepsArg = "4", batchArg = "8"] =
  process.argv.slice(2);
const [steps, batchSize] = [Number(stepsArg), Number(batchArg)];
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(batchSize) || batchSize < 1) {
  console.error("usage: node scripts/lora-steps.mjs [modelDir] [steps ≥ 1] [batch ≥ 1]");
  process.exit(2);
}
enableRelaxedSimd(); // as the kairos bin
const backend = await createBackend("auto");
const base = await loadModel(dir, { backend });
const t = base.config.tokenizer;
const rng = new Random(5);
const windows = Array.from({ length: batchSize }, () => syntheticWindow(rng, base.config));
const batch = windowBatch(tokenizerFor(t), t, windows);
const model = new LlamaModel(base.config, base.weights, { backend });
const lora = new LoraModel(model, backend, { rank: 8, alpha: 16 });
const optimizer = new AdamW(lora.parameters(), { weightDecay: 0.01 });
console.log(`${dir}: batch ${batch.batchSize} × ${batch.seqLen} on ${backend.name}`);
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  lora.zeroGrad();
  await storeAllRunner.run(lora.stages(batch), batch.ids, 1, i + 1);
  optimizer.update(1e-4);
  const ms = performance.now() - t0;
  const rate = (batch.batchSize * batch.seqLen * 1000) / ms;
  console.log(`step ${i + 1}: ${ms.toFixed(0)} ms, ${rate.toFixed(0)} tokens/s`);
}
await backend.dispose();
