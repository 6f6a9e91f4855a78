import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { forecast } from "../../src/forecast/forecast.js";
import { pathQuantiles } from "../../src/forecast/quantiles.js";
import { fromConfigJson, toConfigJson } from "../../src/model/config.js";
import { seasonalSeries, tinyForecaster } from "../helpers/forecaster.js";

const backend = new ReferenceBackend();
const context = seasonalSeries(40);

it("pathQuantiles(...) interpolates linearly between order statistics (numpy 'linear')", () => {
  const paths = [1, 5, 2, 4, 3].map((v) => Float32Array.of(v, 10 * v));
  const [q10, q50, q75] = pathQuantiles(paths, [0.1, 0.5, 0.75]);
  // numpy.quantile([1,2,3,4,5], [0.1, 0.5, 0.75]) = [1.4, 3, 4]
  expect(Array.from(q10)).toEqual([Math.fround(1.4), 14]);
  expect(Array.from(q50)).toEqual([3, 30]);
  expect(Array.from(q75)).toEqual([4, 40]);
});

it("forecast(...) is deterministic for a seed, rolls past the prediction length and orders its quantiles", async () => {
  const model = tinyForecaster(backend);
  const a = await forecast(model, context, { horizon: 11, samples: 6, seed: 5 });
  const b = await forecast(model, context, { horizon: 11, samples: 6, seed: 5 });
  expect(a.samples.map((p) => Array.from(p))).toEqual(b.samples.map((p) => Array.from(p)));
  expect(a.samples).toHaveLength(6);
  expect(a.samples[0]).toHaveLength(11); // prediction length 8: one roll
  expect(a.levels).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  for (let h = 0; h < 11; h++) {
    for (let i = 1; i < 9; i++)
      expect(a.quantiles[i][h]).toBeGreaterThanOrEqual(a.quantiles[i - 1][h]);
    expect(a.median[h]).toBe(a.quantiles[4][h]);
  }
  const c = await forecast(model, context, { horizon: 11, samples: 6, seed: 6 });
  expect(c.samples.map((p) => Array.from(p))).not.toEqual(a.samples.map((p) => Array.from(p)));
});

it("forecast(...) of a model with flat logits spreads uniformly over the bins: quantiles match the uniform law", async () => {
  const model = tinyForecaster(backend);
  model.weights.get("model.norm.weight")?.fill(0); // every logit 0: uniform over the 62 bins
  const signed = context.map((v) => v - 10); // not all positive: no clamp at 0
  const f = await forecast(model, signed, { horizon: 1, samples: 600, topK: 0, seed: 1 });
  let scale = 0;
  for (const v of signed.subarray(signed.length - 24)) scale += Math.abs(v) / 24;
  // Bin centres: 62 evenly spaced from -15 to 15 (Chronos linspace); uniform → q-quantile ≈ -15 + 30q.
  for (const [i, q] of [0.1, 0.5, 0.9].map((q) => [Math.round(q * 10) - 1, q])) {
    expect(Math.abs(f.quantiles[i][0] / scale - (-15 + 30 * q))).toBeLessThan(2.5);
  }
});

it("forecast(...) of a strictly positive context clamps its samples at 0: no negative quantile", async () => {
  const model = tinyForecaster(backend);
  model.weights.get("model.norm.weight")?.fill(0); // uniform over bins from -15 to 15 × scale
  // The same last 24 values (all the model sees), hence the same tokens and draws; a 0 in front
  // of the window makes the context not strictly positive, and the paths go unclamped.
  const withZero = Float64Array.from(context);
  withZero[0] = 0;
  const options = { horizon: 8, samples: 50, topK: 0, seed: 3 }; // one prediction length: no roll
  const raw = await forecast(model, withZero, options);
  const clamped = await forecast(model, context, options);
  expect(Math.min(...raw.quantiles[0])).toBeLessThan(0);
  for (let s = 0; s < 50; s++) {
    expect(Array.from(clamped.samples[s])).toEqual(
      Array.from(raw.samples[s], (v) => Math.max(0, v)),
    );
  }
  for (const q of clamped.quantiles) expect(Math.min(...q)).toBeGreaterThanOrEqual(0);
  expect(Array.from(clamped.quantiles[0])).toEqual(Array(8).fill(0));
});

it("forecast(...) rejects a bad option naming it", async () => {
  await expect(forecast(tinyForecaster(backend), context, { topP: 0 })).rejects.toThrow(
    /forecast\(\): topP must be in \(0, 1\], got 0/,
  );
});

it("forecast(...) defaults to the checkpoint's chronos_config sampling settings, which options override", async () => {
  const model = tinyForecaster(backend);
  const json = toConfigJson({ ...model.config, sampling: { topK: 1, samples: 3 } });
  expect(json.chronos_config).toMatchObject({ top_k: 1, num_samples: 3 });
  expect(fromConfigJson(json).sampling).toEqual({ topK: 1, samples: 3 });
  expect(fromConfigJson(toConfigJson(model.config)).sampling).toBeUndefined();
  model.config.sampling = fromConfigJson(json).sampling;
  // top_k 1 is greedy: three identical paths; an explicit topK samples again.
  const greedy = await forecast(model, context, { horizon: 4, seed: 1 });
  expect(greedy.samples).toHaveLength(3);
  expect(new Set(greedy.samples.map((p) => Array.from(p).join()))).toHaveProperty("size", 1);
  const sampled = await forecast(model, context, { horizon: 4, seed: 1, topK: 0, samples: 8 });
  expect(new Set(sampled.samples.map((p) => Array.from(p).join())).size).toBeGreaterThan(1);
});
