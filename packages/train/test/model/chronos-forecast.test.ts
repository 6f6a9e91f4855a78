// Forecasting with a Chronos T5 checkpoint (the fixture's layout) through sampleForecast, and T5's
// relative position buckets against values worked by hand from transformers' formula.
import { join } from "node:path";
import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { sampleForecast } from "../../src/forecast/forecast.js";
import { chronosSampler } from "../../src/model/t5/chronos-sampler.js";
import { relativePositionBucket } from "../../src/model/t5/relative-position.js";
import { loadT5Model } from "../../src/node.js";

const dir = join(import.meta.dirname, "../fixtures/chronos/t5");

it("a Chronos T5 forecasts: seeded, past its prediction length, ordered non-negative quantiles", async () => {
  const model = await loadT5Model(dir, { backend: new ReferenceBackend() });
  const sampler = chronosSampler(model);
  expect(sampler.tokenizer.modelType).toBe("seq2seq");
  const context = Float64Array.from({ length: 50 }, (_, t) => 100 + 10 * Math.sin(t / 3));
  const o = { horizon: 20, samples: 5, seed: 3 }; // prediction length 16: rolls forward once
  const a = await sampleForecast(sampler, context, o);
  const b = await sampleForecast(sampler, context, o);
  expect(a.samples).toEqual(b.samples);
  expect(a.quantiles).toHaveLength(9);
  for (const q of a.quantiles) expect(q).toHaveLength(20);
  for (let h = 0; h < 20; h++) {
    for (let i = 1; i < 9; i++)
      expect(a.quantiles[i][h]).toBeGreaterThanOrEqual(a.quantiles[i - 1][h]);
    expect(a.quantiles[0][h]).toBeGreaterThanOrEqual(0); // a positive series
  }
  const c = await sampleForecast(sampler, context, { ...o, seed: 4 });
  expect(c.samples).not.toEqual(a.samples);
});

it("chronosSampler() refuses a T5 without a seq2seq chronos_config", async () => {
  const model = await loadT5Model(dir, { backend: new ReferenceBackend() });
  const bare = Object.create(model, {
    config: { value: { ...model.config, raw: { model_type: "t5" } } },
  });
  expect(() => chronosSampler(bare)).toThrow(/chronos_config with model_type "seq2seq", got none/);
});

it("relativePositionBucket() follows T5's exact and logarithmic buckets", () => {
  // Bidirectional, 32 buckets (16 a side, 8 exact), max distance 128.
  const bi = (r: number) => relativePositionBucket(r, true, 32, 128);
  expect([bi(0), bi(-3), bi(3), bi(-8), bi(-20), bi(-200), bi(200)]).toEqual([
    0, 3, 19, 8, 10, 15, 31,
  ]);
  // Decoder: looks back only (16 exact), a later key is bucket 0.
  const uni = (r: number) => relativePositionBucket(r, false, 32, 128);
  expect([uni(5), uni(-5), uni(-20), uni(-1000)]).toEqual([0, 5, 17, 31]);
});

it("loadT5Model() names the directory and the missing weight", async () => {
  const llama = join(import.meta.dirname, "../../models/kairos-base-tiny");
  await expect(loadT5Model(llama, { backend: new ReferenceBackend() })).rejects.toThrow(
    /loadT5Model\(\): .*kairos-base-tiny: .*model_type.*"llama"/,
  );
});
