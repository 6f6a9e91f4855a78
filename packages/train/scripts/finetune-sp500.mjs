// Fine-tunes kairos-base-tiny with LoRA on the S&P 500 closes @kairos/cli bundles (last five years) and
// forecasts the next 20 days; prints losses and wall time (the record in the model README).
// Usage (from packages/train, after `npx tsup`): node scripts/finetune-sp500.mjs [--steps N]
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createBackend } from "@kairos/lora";
import { finetune, forecast } from "../dist/index.js";
import { loadModel } from "../dist/node.js";

const { values: args } = parseArgs({
  options: { steps: { type: "string", default: "60" }, budget: { type: "string" } },
});
const csv = await readFile(new URL("../../cli/data/sp500-2000.csv", import.meta.url), "utf8");
const closes = Float64Array.from(
  csv
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => Number(line.split(",")[4])),
).slice(-1260);
const backend = await createBackend("auto");
const model = await loadModel(new URL("../models/kairos-base-tiny", import.meta.url).pathname, {
  backend,
});
const started = Date.now();
const { result, split, validationWindows, plannedPeakBytes } = await finetune(model, closes, {
  backend,
  lora: { rank: 8, alpha: 16, dropout: 0.05 },
  trainer: {
    steps: Number(args.steps),
    lr: 2e-3,
    warmupSteps: 5,
    evalEvery: 10,
    onStep: (s) => {
      if (s.step % 10 === 0)
        console.log(
          `step ${s.step} loss ${s.loss.toFixed(4)} ${((Date.now() - started) / 1000).toFixed(0)}s`,
        );
    },
    onEval: (e) =>
      console.log(
        `eval step ${e.step} loss ${e.loss.toFixed(4)} (best ${e.bestLoss.toFixed(4)} at ${e.bestStep})`,
      ),
  },
  memory: { memoryBudget: args.budget },
  data: { batchSize: 8 },
  seed: 1,
});
const seconds = (Date.now() - started) / 1000;
const f = await forecast(model, closes, { horizon: 20, samples: 20, seed: 1 });
console.log(
  JSON.stringify({
    trainWindows: split.train.windows.length,
    validationWindows,
    plannedPeakBytes,
    steps: result.steps,
    firstLoss: Number(result.losses[0].toFixed(4)),
    lastLoss: Number(result.losses.at(-1).toFixed(4)),
    evalLosses: result.evalLosses.map((e) => Number(e.loss.toFixed(4))),
    seconds: Math.round(seconds),
    lastClose: closes.at(-1),
    median: Array.from(f.median.slice(0, 5), (v) => Number(v.toFixed(1))),
  }),
);
await backend.dispose?.();
