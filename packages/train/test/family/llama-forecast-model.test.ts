import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { LlamaForecastModel } from "../../src/family/llama-forecast-model.js";
import { finetune } from "../../src/finetune/finetune.js";
import { forecast, llamaSampler, sampleForecast } from "../../src/forecast/forecast.js";
import { seasonalSeries, tinyForecaster } from "../helpers/forecaster.js";

const backend = new ReferenceBackend();
const series = seasonalSeries(200);
const options = {
  backend,
  lora: { rank: 4, alpha: 8 },
  trainer: { steps: 4, lr: 1e-2 },
  data: { batchSize: 2, validation: 0 },
  seed: 3,
};

it("finetune() of a LlamaForecastModel equals finetune() of its LlamaModel, loss for loss and forecast for forecast", async () => {
  const plain = await finetune(tinyForecaster(backend), series, options);
  const family = await finetune(new LlamaForecastModel(tinyForecaster(backend)), series, options);
  expect(family.result.losses).toEqual(plain.result.losses);
  const context = series.subarray(150, 180);
  const a = await plain.model.forecast(context, { horizon: 5, samples: 4, seed: 1 });
  const b = await family.model.forecast(context, { horizon: 5, samples: 4, seed: 1 });
  expect(b.quantiles).toEqual(a.quantiles);
  // The adapters are in place: the fine-tuned model forecasts differently from a fresh base.
  const fresh = await forecast(tinyForecaster(backend), context, {
    horizon: 5,
    samples: 4,
    seed: 1,
  });
  expect(b.samples).not.toEqual(fresh.samples);
});

it("sampleForecast(llamaSampler(m)) is forecast(m); batch() and positions() agree with the window", async () => {
  const m = tinyForecaster(backend);
  const context = series.subarray(0, 40);
  const o = { horizon: 9, samples: 3, seed: 7 };
  expect((await sampleForecast(llamaSampler(m), context, o)).samples).toEqual(
    (await forecast(m, context, o)).samples,
  );
  const f = new LlamaForecastModel(m);
  const { contextLength, predictionLength } = f.window;
  const w = { context: series.subarray(0, 10), target: series.subarray(10, 10 + predictionLength) };
  const batch = f.batch([w, w], 10);
  expect(batch.seqLen).toBe(f.positions(10));
  expect(batch.batchSize).toBe(2);
  expect(f.positions(contextLength)).toBe(contextLength + predictionLength - 1);
  expect(f.describe()[0]).toMatch(/^Llama model/);
});

it("LlamaForecastModel() refuses a model without tokenizer settings, naming the field", () => {
  const m = tinyForecaster(backend);
  const bare = Object.create(m, { config: { value: { ...m.config, tokenizer: undefined } } });
  expect(() => new LlamaForecastModel(bare)).toThrow(/model\.config\.tokenizer must be set/);
});
