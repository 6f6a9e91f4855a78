import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { CHRONOS_TOKENIZER, llamaConfig } from "../../src/model/config.js";
import type { LlamaModel } from "../../src/model/llama.js";
import { pretrain } from "../../src/pretrain/pretrain.js";
import type { TrainerCheckpoint } from "../../src/train/trainer.js";

const tokenizer = { ...CHRONOS_TOKENIZER, nTokens: 64, contextLength: 12, predictionLength: 4 };
const config = llamaConfig({
  vocabSize: 64,
  hiddenSize: 16,
  intermediateSize: 24,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  numKeyValueHeads: 1,
  maxPositionEmbeddings: 32,
  tokenizer,
});
const backend = new ReferenceBackend();
const common = { config, backend, batchSize: 4, lr: 1e-2, seed: 9, seriesLengths: [32, 48] };

type Saved = { checkpoint: TrainerCheckpoint; weights: Map<string, Float32Array> };
/** A copy of a checkpoint and the model's weights, as a file would hold them. */
const copy = (checkpoint: TrainerCheckpoint, model: LlamaModel): Saved => ({
  checkpoint: structuredClone(checkpoint),
  weights: new Map([...model.weights].map(([k, v]) => [k, Float32Array.from(v)])),
});

it("pretrain(...) reports progress and lowers the loss on synthetic series", async () => {
  const seen: number[] = [];
  const { result, tokens } = await pretrain({
    ...common,
    steps: 40,
    onProgress: (p) => seen.push(p.tokens),
  });
  expect(seen).toHaveLength(40);
  expect(tokens).toBe(40 * 4 * 15);
  const first = result.losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const last = result.losses.slice(-5).reduce((a, b) => a + b) / 5;
  expect(last).toBeLessThan(first - 0.5);
});

it("pretrain(...) resumed from its checkpoint equals an uninterrupted run", async () => {
  const full = await pretrain({ ...common, steps: 6 });
  let saved: Saved | undefined;
  await pretrain({
    ...common,
    steps: 6,
    checkpointEvery: 3,
    onCheckpoint: (checkpoint, model) => {
      if (checkpoint.step === 3) saved = copy(checkpoint, model);
    },
  });
  const resumed = await pretrain({
    ...common,
    steps: 6,
    weights: saved?.weights,
    resume: saved?.checkpoint,
  });
  for (const [k, w] of full.model.weights)
    expect(Array.from(resumed.model.weights.get(k) as Float32Array), k).toEqual(Array.from(w));
});

it("pretrain({ stopAfter }) stops early with a checkpoint that resumes to the uninterrupted run", async () => {
  const full = await pretrain({ ...common, steps: 6 });
  let saved: Saved | undefined;
  const first = await pretrain({
    ...common,
    steps: 6,
    stopAfter: 4,
    onCheckpoint: (checkpoint, model) => {
      saved = copy(checkpoint, model);
    },
  });
  expect(first.result.steps).toBe(4);
  expect(first.result.losses).toHaveLength(4);
  expect(saved?.checkpoint.step).toBe(4);
  const rest = await pretrain({
    ...common,
    steps: 6,
    weights: saved?.weights,
    resume: saved?.checkpoint,
  });
  for (const [k, w] of full.model.weights)
    expect(Array.from(rest.model.weights.get(k) as Float32Array), k).toEqual(Array.from(w));
  await expect(pretrain({ ...common, steps: 6, stopAfter: 7 })).rejects.toThrow(
    "pretrain(): stopAfter must be an integer in [1, steps = 6], got 7",
  );
});

it("pretrain({ synthetic }) trains on the families it names", async () => {
  const { result } = await pretrain({
    ...common,
    steps: 3,
    synthetic: { families: { intermittent: 1 }, lengths: [40] },
  });
  expect(result.losses.every(Number.isFinite)).toBe(true);
});
