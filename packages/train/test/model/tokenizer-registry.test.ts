import { readFileSync } from "node:fs";
import { MeanScaleUniformBins, RobustScaleUniformBins } from "@kairos/tokenizer";
import { expect, it } from "vitest";
import {
  CHRONOS_TOKENIZER,
  fromConfigJson,
  llamaConfig,
  toConfigJson,
} from "../../src/model/config.js";
import { tokenizerClasses, tokenizerFor } from "../../src/model/tokenizer-registry.js";

const settings = { ...CHRONOS_TOKENIZER, nTokens: 64, contextLength: 8, predictionLength: 4 };

it("tokenizerFor(settings) builds the causal Chronos tokenizer by default and by name", () => {
  const values = [3, 1, 4, 1, 5, 9, 2, 6];
  const ref = new MeanScaleUniformBins({
    ...{ nTokens: 64, contextLength: 8, predictionLength: 4 },
    ...{ useEosToken: false, modelType: "causal" },
  });
  for (const s of [settings, { ...settings, tokenizerClass: "MeanScaleUniformBins" }]) {
    const tok = tokenizerFor(s);
    expect(tok).toBeInstanceOf(MeanScaleUniformBins);
    expect(tok.vocabSize).toBe(64);
    expect(tok.specialIds).toEqual({ pad: 0, eos: 1 });
    expect(tok.encode(values)).toEqual(ref.encode(values));
  }
  expect(tokenizerClasses).toEqual(["MeanScaleUniformBins", "RobustScaleUniformBins"]);
});

it("tokenizerFor(settings) rejects an unknown tokenizerClass, naming it and listing the known ones", () => {
  expect(() => tokenizerFor({ ...settings, tokenizerClass: "KernelSynthBins" })).toThrow(
    'tokenizerFor(): tokenizerClass must be one of MeanScaleUniformBins, RobustScaleUniformBins, got "KernelSynthBins"',
  );
  // "toString" is on every object's prototype, not in the registry.
  expect(() => tokenizerFor({ ...settings, tokenizerClass: "toString" })).toThrow(
    /must be one of MeanScaleUniformBins, RobustScaleUniformBins, got "toString"/,
  );
});

it("fromConfigJson(json) reads chronos_config.tokenizer_class, so a model of an unknown scheme is refused", () => {
  const config = llamaConfig({ vocabSize: 64, hiddenSize: 8, tokenizer: settings });
  const json = toConfigJson(config);
  const chronos = json.chronos_config as Record<string, unknown>;
  expect(chronos.tokenizer_class).toBe("MeanScaleUniformBins");
  expect(fromConfigJson(json).tokenizer?.tokenizerClass).toBe("MeanScaleUniformBins");
  const other = { ...json, chronos_config: { ...chronos, tokenizer_class: "Nope" } };
  const read = fromConfigJson(other).tokenizer;
  expect(toConfigJson(fromConfigJson(other)).chronos_config).toMatchObject({
    tokenizer_class: "Nope",
  });
  expect(() => tokenizerFor(read!)).toThrow(
    /tokenizerClass must be one of MeanScaleUniformBins, RobustScaleUniformBins, got "Nope"/,
  );
});

const robust = {
  ...settings,
  tokenizerClass: "RobustScaleUniformBins",
  nTokens: 65,
  lowLimit: -6,
  highLimit: 6,
};

it("tokenizerFor(settings) builds RobustScaleUniformBins by name, from the same settings fields", () => {
  const values = [3, 1, 4, 1, 5, 9, 2, 6, Number.NaN];
  const ref = new RobustScaleUniformBins({
    ...{ nTokens: 65, low: -6, high: 6, contextLength: 8, predictionLength: 4 },
    ...{ useEosToken: false, minScale: 0.5 },
  });
  const tok = tokenizerFor({ ...robust, minScale: 0.5 });
  expect(tok).toBeInstanceOf(RobustScaleUniformBins);
  expect(tok.vocabSize).toBe(65);
  expect(tok.specialIds).toEqual({ pad: 0, eos: 1 });
  expect(tok.encode(values)).toEqual(ref.encode(values));
  expect((tok as RobustScaleUniformBins).config.minScale).toBe(0.5);
  // minScale absent: the tokenizer's default.
  expect((tokenizerFor(robust) as RobustScaleUniformBins).config.minScale).toBe(1e-6);
});

it("toConfigJson(config) / fromConfigJson(json) carry tokenizer_class and min_scale through config.json", () => {
  const config = llamaConfig({
    vocabSize: 65,
    hiddenSize: 8,
    tokenizer: { ...robust, minScale: 1e-4 },
  });
  const json = JSON.parse(JSON.stringify(toConfigJson(config)));
  expect(json.chronos_config).toMatchObject({
    tokenizer_class: "RobustScaleUniformBins",
    tokenizer_kwargs: { low_limit: -6, high_limit: 6, min_scale: 1e-4 },
    n_tokens: 65,
  });
  const read = fromConfigJson(json);
  expect(read.tokenizer).toEqual({ ...robust, minScale: 1e-4 });
  expect(tokenizerFor(read.tokenizer!)).toBeInstanceOf(RobustScaleUniformBins);
  // Without minScale no min_scale is written, and none is read back.
  const plain = toConfigJson(llamaConfig({ vocabSize: 65, hiddenSize: 8, tokenizer: robust }));
  expect((plain.chronos_config as { tokenizer_kwargs: object }).tokenizer_kwargs).toEqual({
    low_limit: -6,
    high_limit: 6,
  });
  expect(fromConfigJson(plain).tokenizer).toEqual(robust);
});

it("fromConfigJson(json) of the bundled kairos-base-tiny still reads MeanScaleUniformBins, its config.json unchanged", () => {
  const path = new URL("../../models/kairos-base-tiny/config.json", import.meta.url);
  const json = JSON.parse(readFileSync(path, "utf8"));
  const config = fromConfigJson(json);
  expect(config.tokenizer?.tokenizerClass).toBe("MeanScaleUniformBins");
  expect(config.tokenizer?.minScale).toBeUndefined();
  expect(tokenizerFor(config.tokenizer!)).toBeInstanceOf(MeanScaleUniformBins);
  expect(toConfigJson(config).chronos_config).toEqual(json.chronos_config);
});
