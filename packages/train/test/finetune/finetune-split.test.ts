import { describe, expect, it } from "vitest";
import {
  finetuneSplit,
  minFinetuneContext,
  minFinetuneLength,
} from "../../src/finetune/finetune-split.js";
import { CHRONOS_TOKENIZER } from "../../src/model/config.js";

// Context 24, prediction 8 (the test forecaster's settings).
const t = { ...CHRONOS_TOKENIZER, nTokens: 64, contextLength: 24, predictionLength: 8 };
const series = (n: number) => Float64Array.from({ length: n }, (_, i) => i);
const ranges = (s: ReturnType<typeof finetuneSplit>) => [
  [s.train.start, s.train.end, s.train.windows.length],
  [s.validation.start, s.validation.end, s.validation.windows.length],
];

describe("finetuneSplit", () => {
  it("finetuneSplit(series, tokenizer) holds out the last tenth for validation", () => {
    const split = finetuneSplit(series(240), t);
    expect(split.minContext).toBe(24);
    // Train targets end at 216: windows start (target) at 24 … 208; validation targets 216 … 232.
    expect(ranges(split)).toEqual([
      [0, 216, 185],
      [216, 240, 17],
    ]);
  });

  it("finetuneSplit(series, tokenizer, { validation }) keeps a fraction at least one prediction long", () => {
    // 0.1 × 50 = 5 steps, fewer than the prediction length 8: 8 are held out.
    expect(finetuneSplit(series(50), t, { validation: 0.1 }).validation.start).toBe(42);
    expect(finetuneSplit(series(50), t, { validation: 10 }).validation.start).toBe(40);
    expect(ranges(finetuneSplit(series(50), t, { validation: 0 }))[1]).toEqual([50, 50, 0]);
  });

  it("finetuneSplit(series, tokenizer, { minContext, stride }) pads short contexts and strides", () => {
    const split = finetuneSplit(series(60), t, { minContext: 4, stride: 2, validation: 0 });
    expect(split.minContext).toBe(4);
    const first = split.train.windows.at(0);
    expect([first.targetStart, first.padding]).toEqual([4, 20]);
    expect(split.train.windows.at(1).targetStart).toBe(6);
    expect(split.train.windows.length).toBe(25);
  });

  it("finetuneSplit(...) names its caller for a validation that is neither a fraction nor a count", () => {
    expect(() => finetuneSplit(series(240), t, { validation: 1.5 }, "finetune()")).toThrow(
      "finetune(): validation must be a fraction in (0, 1) or a non-negative integer count, got 1.5",
    );
  });

  it("finetuneSplit(series, tokenizer, { test }) holds out a test tail after validation, without leakage", () => {
    const split = finetuneSplit(series(240), t, { validation: 0.1, test: 40 });
    expect(ranges(split)).toEqual([
      [0, 176, 145],
      [176, 200, 17],
    ]);
    expect([split.test.start, split.test.end, split.test.windows.length]).toEqual([200, 240, 33]);
    // No window of a part has a target step of a later part; contexts may look back.
    for (const part of [split.train, split.validation, split.test]) {
      for (const w of part.windows) {
        expect(w.targetStart).toBeGreaterThanOrEqual(part.start);
        expect(w.end).toBeLessThanOrEqual(part.end);
      }
    }
    expect(split.test.windows.at(0).contextStart).toBe(176);
    // A fraction is rounded, and at least one prediction length.
    expect(finetuneSplit(series(240), t, { test: 0.01 }).test.start).toBe(232);
  });

  it("finetuneSplit(short series, tokenizer, { test }) left-pads contexts down to 8 values and drops a validation fraction", () => {
    // 2 × 8 + 8 = 24 values: one training window (8 observed context values, 16 NaN) and the test tail.
    const split = finetuneSplit(series(24), t, { test: 8 });
    expect(split.minContext).toBe(8);
    expect(ranges(split)).toEqual([
      [0, 16, 1],
      [16, 16, 0],
    ]);
    expect(split.train.windows.at(0).padding).toBe(16);
    expect(Array.from(split.train.windows.at(0).context.slice(15, 18))).toEqual([Number.NaN, 0, 1]);
    expect(split.test.windows.length).toBe(1);
    // A validation count is kept, and then the series is too short.
    expect(() => finetuneSplit(series(24), t, { test: 8, validation: 8 }, "finetune()")).toThrow(
      "finetune(): series of 24 values leaves 8 for training after validation 8 and test 8; one training window needs 16",
    );
    expect(minFinetuneLength(t)).toBe(16);
  });

  it("finetuneSplit(series, tokenizer, { contextLength }) cuts shorter contexts, at most the model's", () => {
    const split = finetuneSplit(series(240), t, { contextLength: 12 });
    expect([
      split.contextLength,
      split.minContext,
      split.train.windows.at(0).context.length,
    ]).toEqual([12, 12, 12]);
    expect(() => finetuneSplit(series(240), t, { contextLength: 25 }, "finetune()")).toThrow(
      "finetune(): contextLength must be an integer in [1, 24] (the model's context length), got 25",
    );
  });

  it("minFinetuneContext(tokenizer) is min(contextLength, 32) unless minContext is given", () => {
    expect(minFinetuneContext(t)).toBe(24);
    expect(minFinetuneContext({ ...t, contextLength: 512 })).toBe(32);
    expect(minFinetuneContext(t, 5)).toBe(5);
  });
});
