import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rollingOrigin } from "../src/rolling-origin.js";
import { generateTestPairs } from "./gluonts-reference.js";

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe("rollingOrigin", () => {
  it("rollingOrigin(series) matches GluonTS split(offset) + generate_instances on random shapes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
        fc.option(fc.integer({ min: -200, max: 200 }), { nil: undefined }),
        (n, contextLength, predictionLength, folds, step, cutOption) => {
          const values = Array.from({ length: n }, (_, i) => Math.sin(i) * 10);
          const distance = step ?? predictionLength;
          const cut =
            cutOption === undefined
              ? n - predictionLength - (folds - 1) * distance
              : cutOption < 0
                ? n + cutOption
                : cutOption;
          const options = { contextLength, predictionLength, folds, step, cut: cutOption };
          if (cut < 1 || cut + (folds - 1) * distance + predictionLength > n) {
            expect(() => rollingOrigin(Float64Array.from(values), options)).toThrow(RangeError);
            return;
          }
          const ours = rollingOrigin(Float64Array.from(values), options);
          // GluonTS's offset: the default cut counts from the end, as users write `offset=-k`.
          const offset = cutOption ?? cut - n;
          const ref = generateTestPairs(
            values,
            offset,
            predictionLength,
            folds,
            step,
            contextLength,
          );
          expect(ours.cut).toBe(cut);
          expect([...ours.train]).toEqual(values.slice(0, cut));
          expect(ours.folds.length).toBe(ref.length);
          ours.folds.forEach((w, i) => {
            const [input, label] = ref[i];
            expect(w.targetStart).toBeGreaterThanOrEqual(cut);
            expect([...w.target]).toEqual(label);
            expect([...w.context.subarray(w.padding)]).toEqual(input);
            expect(w.padding).toBe(contextLength - input.length);
            expect(w.context.subarray(0, w.padding).every(Number.isNaN)).toBe(true);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it("rollingOrigin(series) defaults to non-overlapping folds ending at the series end", () => {
    const { cut, train, folds } = rollingOrigin(ramp(100), {
      contextLength: 8,
      predictionLength: 5,
      folds: 3,
    });
    expect(cut).toBe(85);
    expect(train.length).toBe(85);
    expect(folds.map((w) => [w.targetStart, w.end])).toEqual([
      [85, 90],
      [90, 95],
      [95, 100],
    ]);
    expect(folds[1].context.buffer).toBe(train.buffer); // unpadded folds are views
  });

  it("rollingOrigin(series) rejects folds that do not fit, naming the numbers", () => {
    const o = { contextLength: 4, predictionLength: 5, folds: 3, step: 2 };
    expect(() => rollingOrigin(ramp(20), { ...o, cut: 12 })).toThrow(
      new RangeError(
        "rollingOrigin(): not enough data: cut 12 + 3 folds every 2 steps of predictionLength 5 needs length 21, got 20",
      ),
    );
    expect(() => rollingOrigin(ramp(9), o)).toThrow(
      /cut must leave at least one training step, got cut 0/,
    );
    expect(() => rollingOrigin(ramp(20), { ...o, folds: 0 })).toThrow(
      "rollingOrigin(): folds must be a positive integer, got 0",
    );
    expect(() => rollingOrigin(ramp(20), { ...o, cut: 2.5 })).toThrow(
      new TypeError("rollingOrigin(): cut must be an integer, got 2.5"),
    );
    expect(() => rollingOrigin(ramp(20), { ...o, windows: 2 } as never)).toThrow(
      /unknown option "windows"/,
    );
  });
});
