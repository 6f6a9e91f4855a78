import { parseAdapter, ReferenceBackend, serializeAdapter } from "@kairos/lora";
import { expect, it } from "vitest";
import { BoltForecastModel } from "../../src/family/bolt-forecast-model.js";
import { finetune } from "../../src/finetune/finetune.js";
import { parseBoltModel } from "../../src/model/bolt/bolt-files.js";
import { ChronosBoltModel } from "../../src/model/bolt/bolt-model.js";
import { seasonal, tinyBoltConfig, tinyBoltWeights } from "../helpers/tiny-bolt.js";

const backend = new ReferenceBackend();
const fresh = () => {
  const config = tinyBoltConfig();
  return new BoltForecastModel(new ChronosBoltModel(config, tinyBoltWeights(config), { backend }));
};

it("BoltForecastModel: window, batch(), positions(), describe() and loraTargets agree with the model", () => {
  const f = fresh();
  expect(f.family).toBe("chronos-bolt");
  expect(f.window).toEqual({ contextLength: 14, predictionLength: 3 });
  const w = { context: seasonal(20, 0, 5), target: seasonal(3, 20, 5) };
  const batch = f.batch([w, w], 10);
  expect(batch.contextLength).toBe(10);
  expect(batch.encoderLength).toBe(f.positions(10));
  expect(f.positions(14)).toBe(4 + 1);
  expect(f.loraTargets).toEqual(["q", "k", "v", "o", "wi", "wo"]);
  expect(f.defaultLoraTargets).toEqual(["q", "k", "v", "o"]);
  expect(f.describe()[0]).toMatch(/^Chronos-Bolt/);
  expect(() => f.batch([w], 15)).toThrow(/contextLength must be an integer in \[1, 14\], got 15/);
});

it("forecast(context, { horizon }) gives the model's quantiles, the 0.5 level as median, no samples", async () => {
  const f = fresh();
  const context = seasonal(14, 0, 5);
  const out = await f.forecast(context, { horizon: 7 });
  expect(out.samples).toEqual([]);
  expect(out.levels).toEqual([0.1, 0.5, 0.9]);
  const flat = await f.model.predict([context], 7);
  expect(out.quantiles.map((q) => [...q])).toEqual(
    [0, 1, 2].map((q) => [...flat.slice(q * 7, q * 7 + 7)]),
  );
  expect([...out.median]).toEqual([...out.quantiles[1]]);
  expect((await f.forecast(context)).median.length).toBe(3);
  await expect(f.forecast("abc" as never)).rejects.toThrow(
    /contexts\[0\] must be an array of numbers/,
  );
});

it("finetune() of a BoltForecastModel trains LoRA; the adapter, merge and files() round-trip", async () => {
  const f = fresh();
  const series = Float64Array.from(seasonal(120, 0, 5));
  const { lora, result } = await finetune(f, series, {
    backend,
    lora: { rank: 2, alpha: 4 },
    trainer: { steps: 3, lr: 1e-2 },
    data: { batchSize: 2, validation: 0 },
    seed: 1,
  });
  expect(result.losses).toHaveLength(3);
  expect(result.losses.every(Number.isFinite)).toBe(true);
  const files = serializeAdapter(lora.adapter("chronos-bolt-tiny"));
  const config = JSON.parse(files["adapter_config.json"]);
  expect(config.task_type).toBe(null);
  expect(Object.keys(parseAdapter(files).modules)).toContain(
    "decoder.block.1.layer.1.EncDecAttention.q",
  );
  const context = series.subarray(100, 114);
  const adapted = await f.forecast(context);
  await (lora as unknown as { merge(): Promise<void> }).merge();
  const merged = parseBoltModel(f.files(), { backend });
  const again = await new BoltForecastModel(merged).forecast(context);
  for (let q = 0; q < 3; q++)
    for (let h = 0; h < 3; h++)
      expect(again.quantiles[q][h]).toBeCloseTo(adapted.quantiles[q][h], 3);
});
