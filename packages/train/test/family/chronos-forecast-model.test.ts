// The Chronos family on the fixture checkpoint (transformers' T5 layout with a seq2seq
// chronos_config): loaded through the family registry, windows batched as Chronos trains them,
// fine-tuned by finetune() with PEFT's T5 names, forecasting with its adapters in place.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { ChronosForecastModel } from "../../src/family/chronos-forecast-model.js";
import { forecastModelFromTensors } from "../../src/family/model-families.js";
import { finetune } from "../../src/finetune/finetune.js";
import type { Seq2SeqBatch } from "../../src/model/t5/seq2seq-batch.js";
import { loadForecastModel } from "../../src/node.js";
import { seasonalSeries } from "../helpers/forecaster.js";

const fixtures = join(import.meta.dirname, "../fixtures/chronos");
const expected = JSON.parse(readFileSync(join(fixtures, "t5/expected.json"), "utf8"));
const backend = new ReferenceBackend();
const open = async () =>
  (await loadForecastModel(join(fixtures, "t5"), { backend })) as ChronosForecastModel;
const values = (t: { data: (number | null)[] }) => t.data.map((v) => (v === null ? Number.NaN : v));

describe("ChronosForecastModel", () => {
  it("loadForecastModel() picks the Chronos family from config.json", async () => {
    const m = await open();
    expect(m).toBeInstanceOf(ChronosForecastModel);
    expect(m.family).toBe("chronos");
    expect(m.window).toEqual({ contextLength: 64, predictionLength: 16 });
    expect(m.describe()[0]).toMatch(/^Chronos T5/);
    // ChronosPipeline's sampling defaults come from the checkpoint's chronos_config.
    expect(m.sampling).toEqual({ samples: 20, temperature: 1, topK: 50, topP: 1 });
    const f = await m.forecast(
      Float64Array.from({ length: 30 }, (_, i) => 10 + (i % 7)),
      {
        samples: undefined,
        seed: 1,
      },
    );
    expect(f.samples).toHaveLength(20);
  });

  it("batch() tokenizes as Chronos: context + EOS to the encoder, target + EOS as labels, shifted right", async () => {
    const m = await open();
    const c = expected.chronos;
    const context = values(c.context);
    const target = values(c.generated_values); // bin centres: they tokenize back to the ids
    const b = m.batch([{ context, target }], 40);
    expect([b.batchSize, b.encoderLength, b.decoderLength]).toEqual([1, 41, 17]);
    expect(Array.from(b.inputIds)).toEqual(c.input_ids.data);
    expect(Array.from(b.attentionMask as Uint8Array)).toEqual(c.attention_mask.data);
    expect(Array.from(b.labels)).toEqual([...c.generated_ids.data, 1]);
    expect(Array.from(b.decoderInputIds)).toEqual([0, ...c.generated_ids.data]);
    expect(m.positions(40)).toBe(41 + 17);
  });

  it("batch() left-pads a short context with PAD (mask 0) and masks a missing target as −100", async () => {
    const m = await open();
    const target = Float64Array.from({ length: 16 }, (_, i) => 10 + i);
    target[3] = Number.NaN;
    const b = m.batch([{ context: [9, 10, 11], target }], 8);
    expect(Array.from(b.attentionMask as Uint8Array)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(b.inputIds.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(b.inputIds[8]).toBe(1); // EOS
    expect(b.labels[3]).toBe(-100);
    expect(b.decoderInputIds[4]).toBe(0); // −100 becomes PAD in the decoder's input
  });

  it("finetune() trains its LoRA adapters (PEFT T5 names); forecasts then use them", async () => {
    const series = seasonalSeries(120).map((v) => v * 10);
    const base = await open();
    const before = await base.forecast(series.subarray(0, 64), { samples: 4, seed: 1 });
    const run = await finetune<Seq2SeqBatch>(base, series, {
      backend,
      lora: { rank: 4, alpha: 8 },
      trainer: { steps: 6, lr: 5e-2 },
      data: { batchSize: 2, validation: 0, contextLength: 32 },
      seed: 2,
    });
    const { losses } = run.result;
    expect(losses).toHaveLength(6);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Math.min(...losses.slice(3))).toBeLessThan(losses[0]);
    const keys = Object.keys(run.lora.adapter("fixture").modules);
    expect(keys).toContain("encoder.block.0.layer.0.SelfAttention.q");
    expect(keys).toContain("decoder.block.1.layer.1.EncDecAttention.v");
    const after = await run.model.forecast(series.subarray(0, 64), { samples: 4, seed: 1 });
    expect(after.samples).not.toEqual(before.samples);
  });

  it("withLora() names a target module T5 has not", async () => {
    const m = await open();
    expect(() => m.withLora(backend, { targetModules: ["q_proj"] })).toThrow(
      /targetModules must be among q, k, v, o, wi, wi_0, wi_1, wo, got "q_proj"/,
    );
  });
});

it("loadForecastModel() loads a Llama as the Llama family, and names what no family claims", async () => {
  const llama = await loadForecastModel(
    join(import.meta.dirname, "../../models/kairos-base-tiny"),
    {
      backend,
    },
  );
  expect(llama.family).toBe("llama");
  const dir = join(fixtures, "t5-gated");
  expect((await loadForecastModel(dir, { backend })).family).toBe("chronos");
  const bolt = await loadForecastModel(join(fixtures, "bolt"), { backend });
  expect(bolt.family).toBe("chronos-bolt");
  // A plain T5 (no chronos_config) is no forecaster; a config that is no object is refused.
  expect(() => forecastModelFromTensors({ model_type: "t5" }, new Map(), backend)).toThrow(
    /model_type "t5" is no family Kairos loads \(llama, chronos, chronos-bolt\)/,
  );
  expect(() => forecastModelFromTensors([], new Map(), backend)).toThrow(/must hold an object/);
});
