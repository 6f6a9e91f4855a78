import { DigitTokenizer, MeanScaleUniformBins } from "@kairos/tokenizer";
import { expect, it } from "vitest";
import { sequenceLength, tokenizerFor, windowBatch } from "../../src/finetune/token-windows.js";
import { CHRONOS_TOKENIZER } from "../../src/model/config.js";

const settings = { ...CHRONOS_TOKENIZER, contextLength: 6, predictionLength: 3 };

it("windowBatch(...) left-pads short contexts, shifts labels by one and ignores missing targets", () => {
  const tok = tokenizerFor(settings);
  const batch = windowBatch(tok, settings, [
    { context: [1, 2, 3, 4], target: [5, Number.NaN, 7] },
    { context: [10, 20, 30, 40, 50, 60], target: [70, 80, 90] },
  ]);
  expect(batch.seqLen).toBe(sequenceLength(settings));
  expect(batch.seqLen).toBe(8);
  // Independent tokenization of the first window with the same Chronos tokenizer.
  const ref = new MeanScaleUniformBins({
    contextLength: 6,
    predictionLength: 3,
    useEosToken: false,
    modelType: "causal",
  });
  const c = ref.encode([1, 2, 3, 4]);
  const y = ref.encodeLabels([5, Number.NaN, 7], c.scale);
  const seq = [0, 0, ...c.ids, ...y.ids];
  expect(Array.from(batch.ids.subarray(0, 8))).toEqual(seq.slice(0, 8));
  expect(Array.from(batch.keyMask?.subarray(0, 8) ?? [])).toEqual([0, 0, 1, 1, 1, 1, 1, 0]);
  // labels: next token, -100 where the next position is padding or missing
  expect(Array.from(batch.labels.subarray(0, 8))).toEqual([
    -100,
    seq[2],
    seq[3],
    seq[4],
    seq[5],
    seq[6],
    -100,
    seq[8],
  ]);
});

it("windowBatch(tok, ...) takes any Tokenizer, and rejects one writing more ids than a window holds", () => {
  const digits = new DigitTokenizer(); // several ids a value: " 8 3 7 ,"
  expect(() =>
    windowBatch(digits, settings, [{ context: [1, 2, 3, 4], target: [5, 6, 7] }]),
  ).toThrow(
    /^windowBatch\(\): windows\[0\] must tokenize to at most 6 context ids and 3 label ids \(one a value\), got \d+ and \d+$/,
  );
});
