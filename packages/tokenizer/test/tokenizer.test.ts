import { describe, expect, it } from "vitest";
import { DigitTokenizer } from "../src/digit-tokenizer.js";
import { MeanScaleUniformBins } from "../src/mean-scale-uniform-bins.js";
import type { Tokenizer } from "../src/tokenizer.js";

// Every scheme through the interface only, as a trainer sees it.
const schemes: [string, Tokenizer][] = [
  [
    "MeanScaleUniformBins",
    // As a causal forecaster uses it (the trainer's settings): no EOS after context or labels.
    new MeanScaleUniformBins({
      ...{ contextLength: 64, predictionLength: 8 },
      ...{ modelType: "causal", useEosToken: false },
    }),
  ],
  ["DigitTokenizer", new DigitTokenizer()],
];

const context = Array.from({ length: 40 }, (_, i) => 100 + 20 * Math.sin(i / 3) - i / 4);
context[7] = Number.NaN; // one missing value
const target = Array.from({ length: 8 }, (_, i) => 95 + 15 * Math.cos(i / 2));

/** |got − want| within 1% of the largest |value|, NaN exactly where NaN. */
function expectClose(got: ArrayLike<number>, want: number[]) {
  const bound = 0.01 * Math.max(...want.filter((v) => !Number.isNaN(v)).map(Math.abs));
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
    else expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(bound);
  }
}

describe.each(schemes)("%s as a Tokenizer", (_, tok) => {
  it("encode(values) gives ids in [0, vocabSize), the mask 0 only at the missing value", () => {
    const { ids, mask } = tok.encode(context);
    expect(ids.length).toBe(mask.length);
    expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize)).toBe(true);
    expect(mask.filter((m) => m === 0)).toHaveLength(1);
  });

  it("decode(encode(values).ids, scale) round-trips the values within the scheme's resolution", () => {
    const { ids, scale } = tok.encode(context);
    expectClose(tok.decode(ids, scale), context);
  });

  it("encodeLabels(target, scale) gives ids that decode with the context's scale", () => {
    const { scale } = tok.encode(context);
    const labels = tok.encodeLabels(target, scale);
    expect(labels.mask.every((m) => m === 1)).toBe(true);
    expectClose(tok.decode(labels.ids, scale), target);
  });

  it("specialIds holds distinct pad and eos ids inside the vocabulary", () => {
    const { pad, eos } = tok.specialIds;
    expect(pad).not.toBe(eos);
    for (const id of [pad, eos]) expect(id >= 0 && id < tok.vocabSize).toBe(true);
  });
});
