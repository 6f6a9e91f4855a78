import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReferenceBackend, readSafetensorsHeader } from "@kairos/lora";
import { saveAdapter } from "@kairos/lora/node";
import { expect, it } from "vitest";
import { LlamaForecastModel } from "../../src/family/llama-forecast-model.js";
import { finetune } from "../../src/finetune/finetune.js";
import type { TrainerCheckpoint } from "../../src/train/trainer.js";
import { seasonalSeries, tinyForecaster } from "../helpers/forecaster.js";

const backend = new ReferenceBackend();
const series = seasonalSeries(240);

it("finetune(...) for a fixed seed gives the pinned first losses, lowers the loss, and saves a PEFT adapter", async () => {
  const steps: number[] = [];
  const { lora, result, split, validationWindows } = await finetune(
    tinyForecaster(backend),
    series,
    {
      backend,
      lora: { rank: 4, alpha: 8, dropout: 0.05 },
      trainer: {
        steps: 24,
        lr: 2e-2,
        warmupSteps: 2,
        evalEvery: 8,
        onStep: (s) => steps.push(s.step),
      },
      data: { batchSize: 4 },
      seed: 42,
    },
  );
  expect(split.train.windows.length).toBeGreaterThan(100);
  // The default validation tenth: 24 of 240 steps, after the training steps.
  expect([
    split.train.start,
    split.train.end,
    split.validation.start,
    split.validation.end,
  ]).toEqual([0, 216, 216, 240]);
  expect(validationWindows).toBe(split.validation.windows.length);
  expect(steps).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  // Pinned from a first run (computed once by running; any change to the model, LoRA, tokenizer,
  // chunking, AdamW or the sampling order moves them).
  expect(result.losses.slice(0, 3).map((l) => Number(l.toFixed(4)))).toEqual(PINNED);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(result.losses.slice(-4))).toBeLessThan(mean(result.losses.slice(0, 4)) - 0.3);
  expect(result.evalLosses.map((e) => e.step)).toEqual([0, 8, 16, 24]); // 0: the base model

  const dir = join(await mkdtemp(join(tmpdir(), "kairos-ft-")), "adapter");
  await saveAdapter(dir, lora.adapter("kairos-test-tiny"));
  const config = JSON.parse(await readFile(join(dir, "adapter_config.json"), "utf8"));
  expect(config).toMatchObject({
    peft_type: "LORA",
    r: 4,
    lora_alpha: 8,
    task_type: "CAUSAL_LM",
    base_model_name_or_path: "kairos-test-tiny",
  });
  expect(config.target_modules.sort()).toEqual(["k_proj", "o_proj", "q_proj", "v_proj"]);
  const header = readSafetensorsHeader(
    new Uint8Array(await readFile(join(dir, "adapter_model.safetensors"))),
  );
  expect(
    header.tensors.get("base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight")?.shape,
  ).toEqual([4, 16]);
  expect(
    header.tensors.get("base_model.model.model.layers.0.self_attn.o_proj.lora_B.weight")?.shape,
  ).toEqual([16, 4]);
});

it("finetune(...) rejects a series too short for one window", async () => {
  await expect(
    finetune(tinyForecaster(backend), seasonalSeries(10), { backend, trainer: { steps: 1 } }),
  ).rejects.toThrow(/finetune\(\)|splitByTime\(\)/);
});

it("finetune(model, 2 × predictionLength + 8 values, { data: { test } }) trains on one left-padded window and returns the held-out test part", async () => {
  const short = seasonalSeries(24);
  const { result, split } = await finetune(tinyForecaster(backend), short, {
    backend,
    trainer: { steps: 2 },
    data: { batchSize: 2, test: 8 },
  });
  expect(result.losses.every(Number.isFinite)).toBe(true);
  expect([split.minContext, split.train.windows.length, split.validation.windows.length]).toEqual([
    8, 1, 0,
  ]);
  expect([split.test.start, split.test.end]).toEqual([16, 24]);
});

it("finetune(..., { data: { predictionLength } }) fine-tunes 2 × that + 8 values, the loss on that many target steps", async () => {
  const short = seasonalSeries(2 * 3 + 8);
  const options = { backend, trainer: { steps: 2 }, data: { batchSize: 2, test: 3 } };
  await expect(finetune(tinyForecaster(backend), short, options)).rejects.toThrow(
    /finetune\(\): series of 14 values leaves/,
  );
  const model = new LlamaForecastModel(tinyForecaster(backend));
  const labelled: number[] = [];
  const batch = model.batch.bind(model);
  model.batch = (windows, contextLength) => {
    const b = batch(windows, contextLength);
    // Target step j is the label at position contextLength − 1 + j: count the labelled ones.
    for (let w = 0; w < b.batchSize; w++) {
      const row = b.labels.subarray(w * b.seqLen, (w + 1) * b.seqLen);
      labelled.push(row.subarray(contextLength - 1).filter((l) => l >= 0).length);
    }
    return b;
  };
  const { result, split } = await finetune(model, short, {
    ...options,
    data: { ...options.data, predictionLength: 3 },
  });
  expect(result.losses.every(Number.isFinite)).toBe(true);
  expect([split.train.end, split.test.start, split.test.end]).toEqual([11, 11, 14]);
  // The model still gets its 8-step targets; only the first 3 of them are labelled.
  expect(labelled.length).toBeGreaterThan(0);
  expect(new Set(labelled)).toEqual(new Set([3]));
  await expect(
    finetune(model, short, { ...options, data: { ...options.data, predictionLength: 9 } }),
  ).rejects.toThrow(/finetune\(\): predictionLength must be an integer in \[1, 8\]/);
});

it("finetune(..., { data: { contextLength } }) trains on shorter sequences", async () => {
  const { split, result } = await finetune(tinyForecaster(backend), series, {
    backend,
    trainer: { steps: 1 },
    data: { batchSize: 2, contextLength: 12, validation: 0 },
  });
  expect(split.contextLength).toBe(12);
  expect(Number.isFinite(result.losses[0])).toBe(true);
});

it("finetune(model, [series, …]) trains one adapter on every series' windows, each split on its own", async () => {
  const one = await finetune(tinyForecaster(backend), series, {
    backend,
    trainer: { steps: 3 },
    data: { batchSize: 2, test: 16 },
    seed: 5,
  });
  const wrapped = await finetune(tinyForecaster(backend), [series], {
    backend,
    trainer: { steps: 3 },
    data: { batchSize: 2, test: 16 },
    seed: 5,
  });
  // A list of one is the series itself, draw for draw.
  expect(wrapped.result.losses).toEqual(one.result.losses);
  const other = seasonalSeries(120);
  const two = await finetune(tinyForecaster(backend), [series, other], {
    backend,
    trainer: { steps: 3, evalEvery: 3 },
    data: { batchSize: 2, test: 16 },
    seed: 5,
  });
  expect(two.splits).toHaveLength(2);
  expect(two.splits.map((s) => [s.test.start, s.test.end])).toEqual([
    [224, 240],
    [104, 120],
  ]);
  expect(two.splits[1].validation.end).toBe(104);
  expect(two.validationWindows).toBe(
    two.splits[0].validation.windows.length + two.splits[1].validation.windows.length,
  );
  expect(two.result.losses).not.toEqual(one.result.losses);
  await expect(
    finetune(tinyForecaster(backend), [series, seasonalSeries(10)], {
      backend,
      trainer: { steps: 1 },
    }),
  ).rejects.toThrow(/^finetune\(\) series\[1\]: series of 10 values/);
});

it("finetune(..., { resume }) from a checkpoint of step N ends bit-equal to the uninterrupted 2N-step run", async () => {
  const { parseCheckpoint, serializeCheckpoint } = await import(
    "../../src/train/checkpoint-files.js"
  );
  const { serializeAdapter } = await import("@kairos/lora");
  const options = (onCheckpoint?: (c: TrainerCheckpoint) => void) => ({
    backend,
    lora: { rank: 2, alpha: 4, dropout: 0.1 },
    trainer: { steps: 6, lr: 1e-2, warmupSteps: 1, evalEvery: 2, checkpointEvery: 3, onCheckpoint },
    data: { batchSize: 2 },
    seed: 9,
  });
  const saved: Uint8Array[] = [];
  let files: ReturnType<typeof serializeCheckpoint> | undefined;
  const straight = await finetune(
    tinyForecaster(backend),
    series,
    options((c) => {
      if (!files) files = serializeCheckpoint(c);
    }),
  );
  expect(files).toBeDefined();
  // Through the files, as a killed process would: step 3 of 6.
  const resume = parseCheckpoint(files as NonNullable<typeof files>);
  expect(resume.step).toBe(3);
  const resumed = await finetune(tinyForecaster(backend), series, { ...options(), resume });
  expect(resumed.result.losses).toEqual(straight.result.losses);
  expect(resumed.result.losses).toHaveLength(6);
  expect(resumed.result.evalLosses).toEqual(straight.result.evalLosses);
  const bytes = (r: typeof straight) =>
    serializeAdapter(r.lora.adapter("t"))["adapter_model.safetensors"];
  saved.push(bytes(straight), bytes(resumed));
  expect(Buffer.from(saved[1]).equals(Buffer.from(saved[0]))).toBe(true);
});

const PINNED = [4.8198, 4.611, 4.1084];

it("finetune(...) rejects an unknown key of a group and lists every valid key of that group", async () => {
  const model = tinyForecaster(backend);
  const run = (options: object) =>
    finetune(model, series, { backend, trainer: { steps: 1 }, ...options } as never);
  await expect(run({ lora: { rnak: 4 } })).rejects.toThrow(
    'finetune(): unknown lora option "rnak"; valid: targetModules, rank, alpha, dropout, useRslora, init',
  );
  await expect(run({ trainer: { steps: 1, batchSize: 4 } })).rejects.toThrow(
    /^finetune\(\): unknown trainer option "batchSize"; valid: steps, lr, .*, onStep, onEval, onCheckpoint$/,
  );
  await expect(run({ memory: { budget: "1MB" } })).rejects.toThrow(
    'finetune(): unknown memory option "budget"; valid: memoryBudget, checkpointing',
  );
  await expect(run({ data: { steps: 3 } })).rejects.toThrow(
    'finetune(): unknown data option "steps"; valid: batchSize, validation, test, stride, minContext, contextLength, predictionLength, maxValidationWindows',
  );
  await expect(run({ rank: 4 })).rejects.toThrow(
    'finetune(): unknown option "rank"; valid: backend, lora, trainer, memory, data, seed, resume',
  );
  await expect(run({ data: { batchSize: 0 } })).rejects.toThrow(
    "finetune(): data.batchSize must be a positive integer, got 0",
  );
});

it("finetune(...) leaves the model in inference mode: two forecasts with one seed agree", async () => {
  const { forecast } = await import("../../src/forecast/forecast.js");
  const model = tinyForecaster(backend);
  const { lora } = await finetune(model, series, {
    backend,
    lora: { dropout: 0.5 },
    trainer: { steps: 2 },
    data: { batchSize: 2, validation: 0 },
  });
  expect(Object.values(lora.layers).every((l) => l.training === false)).toBe(true);
  const a = await forecast(model, series, { samples: 3, seed: 4 });
  const b = await forecast(model, series, { samples: 3, seed: 4 });
  expect(Array.from(a.median)).toEqual(Array.from(b.median));
});

it("LoraModel.loadAdapter(adapter()) on a fresh copy of the base reproduces the fine-tuned loss", async () => {
  const { LoraModel } = await import("../../src/finetune/lora-model.js");
  const { tokenizerFor, windowBatch } = await import("../../src/finetune/token-windows.js");
  const { lora } = await finetune(tinyForecaster(backend), series, {
    backend,
    lora: { rank: 4, alpha: 8 },
    trainer: { steps: 3 },
    data: { batchSize: 2, validation: 0 },
  });
  const copy = new LoraModel(tinyForecaster(backend), backend, { rank: 4, alpha: 8 });
  const t = lora.base.config.tokenizer as NonNullable<typeof lora.base.config.tokenizer>;
  const batch = windowBatch(tokenizerFor(t), t, [
    { context: series.subarray(100, 124), target: series.subarray(124, 132) },
  ]);
  expect(await copy.loss(batch)).not.toBeCloseTo(await lora.loss(batch), 6);
  copy.loadAdapter(lora.adapter());
  expect(await copy.loss(batch)).toBe(await lora.loss(batch));
  const other = new LoraModel(tinyForecaster(backend), backend, { rank: 2, alpha: 8 });
  expect(() => other.loadAdapter(lora.adapter())).toThrow(/rank|r /);
});
