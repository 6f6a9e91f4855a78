// The kairos-base-small recipe's stated figures are the config's own, its mix is valid, and the
// shipped weights are its model.
import { readFileSync } from "node:fs";
import { readSafetensorsHeader } from "@kairos/lora";
import { RobustScaleUniformBins } from "@kairos/tokenizer";
import { expect, it } from "vitest";
import { sequenceLength } from "../../src/finetune/token-windows.js";
import { fromConfigJson, llamaConfig } from "../../src/model/config.js";
import { parameterCount, parameterShapes } from "../../src/model/parameters.js";
import { tokenizerFor } from "../../src/model/tokenizer-registry.js";
import { syntheticSeries } from "../../src/pretrain/synthetic-series.js";

const recipe = JSON.parse(
  readFileSync(new URL("../../models/kairos-base-small/recipe.json", import.meta.url), "utf8"),
);

it("llamaConfig(recipe.model) has the parameters and sizes recipe.json states, under 25 MB in float32", () => {
  const config = llamaConfig({ ...recipe.model, tokenizer: recipe.tokenizer });
  const n = parameterCount(config);
  expect(n).toBe(recipe.size.parameters);
  expect(recipe.size.float32Bytes).toBe(4 * n);
  expect(recipe.size.bf16Bytes).toBe(2 * n);
  expect(n).toBeGreaterThan(1e6);
  expect(n).toBeLessThan(10e6);
  expect(4 * n).toBeLessThan(25e6);
});

it("tokenizerFor(recipe.tokenizer) is RobustScaleUniformBins with 8193 tokens, context 512, horizon 64", () => {
  const tok = tokenizerFor(recipe.tokenizer);
  expect(tok).toBeInstanceOf(RobustScaleUniformBins);
  expect(recipe.tokenizer.nTokens).toBe(8193);
  expect(recipe.tokenizer.contextLength).toBeGreaterThanOrEqual(512);
  expect(recipe.tokenizer.predictionLength).toBeGreaterThanOrEqual(64);
  expect(sequenceLength(recipe.tokenizer)).toBe(575);
});

it("syntheticSeries(recipe.data) accepts the recipe's families, frequencies and lengths", () => {
  const it_ = syntheticSeries({
    seed: recipe.training.seed,
    lengths: recipe.data.seriesLengths,
    families: recipe.data.families,
    frequencies: recipe.data.frequencies,
  });
  const x = it_.next().value as Float64Array;
  expect(recipe.data.seriesLengths).toContain(x.length);
});

it("the shipped kairos-base-small is the recipe's model: its config and every tensor's shape", async () => {
  const dir = new URL("../../models/kairos-base-small/", import.meta.url);
  const json = JSON.parse(readFileSync(new URL("config.json", dir), "utf8"));
  const config = fromConfigJson(json);
  const want = llamaConfig({ ...recipe.model, tokenizer: recipe.tokenizer });
  expect({ ...config, tokenizer: undefined }).toEqual({ ...want, tokenizer: undefined });
  expect(config.tokenizer).toMatchObject(recipe.tokenizer);
  const header = readSafetensorsHeader(readFileSync(new URL("model.safetensors", dir)));
  const shapes = parameterShapes(config);
  expect([...header.tensors.keys()].sort()).toEqual([...shapes.keys()].sort());
  for (const [name, shape] of shapes) {
    expect(header.tensors.get(name)?.shape, name).toEqual(shape);
    expect(header.tensors.get(name)?.dtype, name).toBe("F32");
  }
});
