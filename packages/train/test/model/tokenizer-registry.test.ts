import { MeanScaleUniformBins } from "@kairos/tokenizer";
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
  expect(tokenizerClasses).toEqual(["MeanScaleUniformBins"]);
});

it("tokenizerFor(settings) rejects an unknown tokenizerClass, naming it and listing the known ones", () => {
  expect(() => tokenizerFor({ ...settings, tokenizerClass: "KernelSynthBins" })).toThrow(
    'tokenizerFor(): tokenizerClass must be one of MeanScaleUniformBins, got "KernelSynthBins"',
  );
  // "toString" is on every object's prototype, not in the registry.
  expect(() => tokenizerFor({ ...settings, tokenizerClass: "toString" })).toThrow(
    /must be one of MeanScaleUniformBins, got "toString"/,
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
    /tokenizerClass must be one of MeanScaleUniformBins, got "Nope"/,
  );
});
