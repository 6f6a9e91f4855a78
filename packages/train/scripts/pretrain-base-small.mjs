// Pretrains `kairos-base-small` by its recipe (models/kairos-base-small/recipe.json) with
// `pretrain()`, resumably: a checkpoint (model + trainer state) every `checkpointEvery` steps,
// `--resume` continues from the last one and takes the same steps an uninterrupted run would.
// Usage (from packages/train, after `npx tsup`):
//   node scripts/pretrain-base-small.mjs [--steps N] [--out DIR] [--checkpoints DIR] [--resume]
//                                        [--backend auto|wasm|reference] [--log-every N]
// `--steps N` below the recipe's stops after step N of the recipe's schedule (`stopAfter`) and
// writes a checkpoint there: a throughput measurement, or one chunk of a run that `--resume`
// continues. The model directory is written when the recipe's last step is done. Progress goes
// to stdout (this script is the printing side; the library never prints).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createBackend, Random } from "@kairos/lora";
import {
  llamaConfig,
  parameterCount,
  pretrain,
  sequenceLength,
  syntheticWindow,
  tokenizerFor,
  windowBatch,
} from "../dist/index.js";
import { loadCheckpoint, loadModel, saveCheckpoint, saveModel } from "../dist/node.js";

const recipePath = new URL("../models/kairos-base-small/recipe.json", import.meta.url);
const recipe = JSON.parse(await readFile(recipePath, "utf8"));
const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: String(recipe.training.steps) },
    out: { type: "string", default: "models/kairos-base-small" },
    checkpoints: { type: "string", default: "/tmp/kairos-base-small/checkpoint" },
    resume: { type: "boolean", default: false },
    backend: { type: "string", default: "auto" },
    "log-every": { type: "string", default: "25" },
  },
});
const stopAt = Number(args.steps);
const logEvery = Number(args["log-every"]);
const config = llamaConfig({ ...recipe.model, tokenizer: recipe.tokenizer });
const t = recipe.training;
const mix = {
  lengths: recipe.data.seriesLengths,
  families: recipe.data.families,
  frequencies: recipe.data.frequencies,
};
// the schedule is always the recipe's, so a short run measures the real recipe's first steps
const hyper = {
  steps: t.steps,
  batchSize: t.batchSize,
  lr: t.lr,
  minLr: t.minLr,
  warmupSteps: t.warmupSteps,
  weightDecay: t.weightDecay,
  beta2: t.beta2,
  maxGradNorm: t.maxGradNorm,
  seed: t.seed,
};
if (parameterCount(config) !== recipe.size.parameters) {
  throw new Error(
    `recipe.json states ${recipe.size.parameters} parameters, the config has ${parameterCount(config)}`,
  );
}
const backend = await createBackend(args.backend);
let resume;
let weights;
if (args.resume) {
  resume = await loadCheckpoint(join(args.checkpoints, "trainer"));
  weights = (await loadModel(join(args.checkpoints, "model"), { backend })).weights;
  console.log(`resuming at step ${resume.step}`);
}
const tokensPerStep = t.batchSize * sequenceLength(recipe.tokenizer);
console.log(
  `kairos-base-small: backend ${backend.name}, ${parameterCount(config)} parameters, ${tokensPerStep} tokens a step, ${JSON.stringify(hyper)}`,
);
const started = Date.now();
const losses = [];
const marks = []; // [step, elapsedMs] for a steady-state rate that skips the first step
const startStep = resume?.step ?? 0;
const { model } = await pretrain({
  config,
  backend,
  ...hyper,
  stopAfter: Math.min(stopAt, t.steps),
  synthetic: mix,
  weights,
  resume,
  checkpointEvery: t.checkpointEvery,
  onCheckpoint: async (checkpoint, m) => {
    await saveModel(join(args.checkpoints, "model"), m);
    await saveCheckpoint(join(args.checkpoints, "trainer"), checkpoint);
    console.log(`checkpoint at step ${checkpoint.step} in ${args.checkpoints}`);
  },
  onProgress: (p) => {
    losses.push(p.loss);
    marks.push([p.step, p.elapsedMs]);
    if (p.step % logEvery === 0 || p.step === stopAt) {
      const recent = losses.slice(-logEvery);
      const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
      const rate = (1000 * (p.step - startStep) * tokensPerStep) / p.elapsedMs;
      const eta = ((t.steps - p.step) * tokensPerStep) / rate;
      console.log(
        `step ${p.step}/${t.steps} loss ${mean.toFixed(4)} lr ${p.lr.toExponential(2)} gnorm ${p.gradNorm.toFixed(3)} ${rate.toFixed(0)} tok/s, ${(p.elapsedMs / 1000).toFixed(0)}s, recipe eta ${(eta / 3600).toFixed(1)}h`,
      );
    }
  },
});
const stopped = stopAt < t.steps; // pretrain() handed a checkpoint at the stop too
const wallSeconds = (Date.now() - started) / 1000;
const [s1, t1] = marks[0];
const [sN, tN] = marks[marks.length - 1];
const steadyTokensPerSecond = sN > s1 ? (1000 * (sN - s1) * tokensPerStep) / (tN - t1) : Number.NaN;
// Held-out loss on windows from a seed the training stream never uses.
const tok = tokenizerFor(recipe.tokenizer);
const rng = new Random(recipe.data.heldOutSeed);
const heldOutBatches = stopped ? 1 : recipe.data.heldOutWindows / t.batchSize;
let heldOut = 0;
for (let i = 0; i < heldOutBatches; i++) {
  const windows = Array.from({ length: t.batchSize }, () => syntheticWindow(rng, config, mix));
  heldOut += (await model.loss(windowBatch(tok, recipe.tokenizer, windows))) / heldOutBatches;
}
const last = losses.slice(-100);
const record = {
  command: `node scripts/pretrain-base-small.mjs --steps ${stopAt}${args.resume ? " --resume" : ""}`,
  backend: backend.name,
  parameters: parameterCount(config),
  ...hyper,
  stepsRun: sN - startStep,
  tokens: sN * tokensPerStep,
  wallSeconds: Math.round(wallSeconds),
  steadyTokensPerSecond: Math.round(steadyTokensPerSecond),
  recipeHoursAtThisRate: Number(
    ((t.steps * tokensPerStep) / steadyTokensPerSecond / 3600).toFixed(1),
  ),
  finalTrainLoss: Number((last.reduce((a, b) => a + b, 0) / last.length).toFixed(4)),
  heldOutLoss: Number(heldOut.toFixed(4)),
};
if (stopped) {
  console.log(`stopped at step ${sN} of ${t.steps} (a measurement run): no model written`);
} else {
  await saveModel(args.out, model);
  await mkdir(args.out, { recursive: true });
  await writeFile(join(args.out, "training.json"), `${JSON.stringify(record, null, 2)}\n`);
}
console.log(JSON.stringify(record));
await backend.dispose?.();
