// Writes kairos-base-small's pretraining data and starting point for the PyTorch twin
// (pretrain_base_small.py): token-id windows drawn by the repo's own generators with the
// recipe's mix and tokenizer, and the seeded initial model (config.json + model.safetensors)
// that pretrain() would start from, so both trainers begin from the same tensors.
// Usage (from packages/train, after `npx tsup`):
//   node scripts/export-pretrain-windows.mjs [--windows N] [--seed S] [--out DIR]
// In DIR: windows.bin, windows.json (its layout), init/ (the model directory). windows.bin is
// N records, little-endian, each ids int32[T], labels int32[T] (−100: no loss), keyMask
// uint8[T] (1: a real token), T = contextLength + predictionLength − 1 (575).
import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Random } from "@kairos/lora";
import {
  initParameters,
  llamaConfig,
  sequenceLength,
  syntheticWindow,
  tokenizerFor,
  windowBatch,
  windowRecordFields,
  windowRecords,
} from "../dist/index.js";
import { saveModel } from "../dist/node.js";

const recipe = JSON.parse(
  await readFile(new URL("../models/kairos-base-small/recipe.json", import.meta.url), "utf8"),
);
const { values: args } = parseArgs({
  options: {
    windows: { type: "string", default: "4096" },
    seed: { type: "string", default: String(recipe.training.seed) },
    out: { type: "string", default: "/tmp/kairos-base-small/torch-data" },
  },
});
const count = Number(args.windows);
const seed = Number(args.seed);
if (!Number.isInteger(count) || count <= 0)
  throw new RangeError(`--windows must be a positive integer, got ${args.windows}`);
const config = llamaConfig({ ...recipe.model, tokenizer: recipe.tokenizer });
const mix = {
  lengths: recipe.data.seriesLengths,
  families: recipe.data.families,
  frequencies: recipe.data.frequencies,
};
const tok = tokenizerFor(recipe.tokenizer);
const T = sequenceLength(recipe.tokenizer);
const recordBytes = 9 * T;
await mkdir(args.out, { recursive: true });
const rng = new Random(seed);
const partial = join(args.out, "windows.bin.partial");
const file = await open(partial, "w");
const started = Date.now();
const chunk = 256;
for (let done = 0; done < count; done += chunk) {
  const n = Math.min(chunk, count - done);
  const batch = windowBatch(
    tok,
    recipe.tokenizer,
    Array.from({ length: n }, () => syntheticWindow(rng, config, mix)),
  );
  const out = windowRecords(batch);
  await file.write(out, 0, out.byteLength, done * recordBytes);
  if ((done / chunk) % 16 === 0 || done + n === count)
    console.log(`${done + n}/${count} windows (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
await file.close();
await rename(partial, join(args.out, "windows.bin"));
const layout = {
  count,
  seqLen: T,
  vocabSize: config.vocabSize,
  seed,
  mix,
  tokenizer: recipe.tokenizer,
  record: windowRecordFields(T),
};
await writeFile(join(args.out, "windows.json"), `${JSON.stringify(layout, null, 2)}\n`);
// the weights pretrain() starts from: initParameters with the recipe's training seed
await saveModel(join(args.out, "init"), {
  config,
  weights: initParameters(config, recipe.training.seed),
});
console.log(`wrote ${args.out}: windows.bin (${count * recordBytes} bytes), windows.json, init/`);
