// Pretrains `kairos-base-tiny` on synthetic series and writes it to models/kairos-base-tiny.
// Usage (from packages/train, after `npx tsup`):
//   node scripts/pretrain-base-tiny.mjs [--steps N] [--out DIR] [--checkpoints DIR] [--resume]
// Progress goes to stdout (this script is the printing side; the library never prints).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createBackend, Random } from "@kairos/lora";
import {
  CHRONOS_TOKENIZER,
  KAIROS_TINY_FAMILY_WEIGHTS,
  llamaConfig,
  parameterCount,
  pretrain,
  sequenceLength,
  syntheticWindow,
  tokenizerFor,
  windowBatch,
} from "../dist/index.js";
import { loadCheckpoint, loadModel, saveCheckpoint, saveModel } from "../dist/node.js";

const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: "3000" },
    out: { type: "string", default: "models/kairos-base-tiny" },
    checkpoints: { type: "string", default: "/tmp/kairos-pretrain/checkpoint" },
    resume: { type: "boolean", default: false },
    backend: { type: "string", default: "auto" },
  },
});
const steps = Number(args.steps);
const tokenizer = { ...CHRONOS_TOKENIZER, nTokens: 1024, contextLength: 128, predictionLength: 32 };
const config = llamaConfig({
  vocabSize: tokenizer.nTokens,
  hiddenSize: 64,
  intermediateSize: 176,
  numHiddenLayers: 4,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  maxPositionEmbeddings: 256,
  ropeTheta: 10000,
  tokenizer,
});
const hyper = {
  steps,
  batchSize: 8,
  lr: 3e-3,
  minLr: 3e-4,
  warmupSteps: 100,
  weightDecay: 0.1,
  beta2: 0.95,
  maxGradNorm: 1,
  seed: 20260101,
};
// the data kairos-base-tiny was trained on: the four original families, not today's default mix
const synthetic = { families: KAIROS_TINY_FAMILY_WEIGHTS };
const backend = await createBackend(args.backend);
let resume;
let weights;
if (args.resume) {
  resume = await loadCheckpoint(join(args.checkpoints, "trainer"));
  weights = (await loadModel(join(args.checkpoints, "model"), { backend })).weights;
  console.log(`resuming at step ${resume.step}`);
}
console.log(
  `backend ${backend.name}, ${parameterCount(config)} parameters, ${JSON.stringify(hyper)}`,
);
const started = Date.now();
const losses = [];
const { model, tokens } = await pretrain({
  config,
  backend,
  ...hyper,
  weights,
  resume,
  synthetic,
  checkpointEvery: 250,
  onCheckpoint: async (checkpoint, m) => {
    await saveModel(join(args.checkpoints, "model"), m);
    await saveCheckpoint(join(args.checkpoints, "trainer"), checkpoint);
  },
  onProgress: (p) => {
    losses.push(p.loss);
    if (p.step % 25 === 0 || p.step === steps) {
      const recent = losses.slice(-25);
      const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
      console.log(
        `step ${p.step} loss ${mean.toFixed(4)} lr ${p.lr.toExponential(2)} gnorm ${p.gradNorm.toFixed(3)} tokens ${p.tokens} ${(p.elapsedMs / 1000).toFixed(0)}s`,
      );
    }
  },
});
const wallSeconds = (Date.now() - started) / 1000;
// Held-out loss on 64 synthetic windows from a seed the training stream never uses.
const tok = tokenizerFor(tokenizer);
const rng = new Random(777);
let heldOut = 0;
for (let i = 0; i < 8; i++) {
  const batch = windowBatch(
    tok,
    tokenizer,
    Array.from({ length: 8 }, () => syntheticWindow(rng, config, synthetic)),
  );
  heldOut += (await model.loss(batch)) / 8;
}
const last = losses.slice(-100);
const record = {
  command: `node scripts/pretrain-base-tiny.mjs --steps ${steps}${args.resume ? " --resume" : ""}`,
  backend: backend.name,
  parameters: parameterCount(config),
  ...hyper,
  sequenceLength: sequenceLength(tokenizer),
  tokens,
  wallSeconds: Math.round(wallSeconds),
  finalTrainLoss: Number((last.reduce((a, b) => a + b, 0) / last.length).toFixed(4)),
  heldOutLoss: Number(heldOut.toFixed(4)),
};
await saveModel(args.out, model);
await mkdir(args.out, { recursive: true });
await writeFile(join(args.out, "training.json"), `${JSON.stringify(record, null, 2)}\n`);
console.log(JSON.stringify(record));
await backend.dispose?.();
