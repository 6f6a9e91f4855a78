import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitByTime } from "../src/split-by-time.js";

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

/** A fraction in (0, 1) or a count, as splitByTime accepts. */
const portion = fc.oneof(
  fc.integer({ min: 0, max: 120 }),
  fc.double({ min: 0.01, max: 0.45, noNaN: true }),
);
const steps = (value: number, n: number) =>
  Number.isInteger(value) ? value : Math.round(value * n);

describe("splitByTime", () => {
  it("splitByTime(series) leaks no target step into an earlier split over many random sizes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 40 }),
        portion,
        portion,
        (n, contextLength, predictionLength, stride, minRaw, validation, test) => {
          const minContext = Math.min(minRaw, contextLength);
          const series = ramp(n);
          const b = n - steps(test, n);
          const a = b - steps(validation, n);
          const feasible =
            a >= minContext + predictionLength &&
            (b === a || b - a >= predictionLength) &&
            (n === b || n - b >= predictionLength);
          const options = { contextLength, predictionLength, stride, minContext, validation, test };
          if (!feasible) {
            expect(() => splitByTime(series, options)).toThrow(RangeError);
            return;
          }
          const splits = splitByTime(series, options);
          const bounds = [0, a, b, n];
          const owner = (step: number) => (step < a ? 0 : step < b ? 1 : 2);
          [splits.train, splits.validation, splits.test].forEach((split, k) => {
            expect([split.start, split.end]).toEqual([bounds[k], bounds[k + 1]]);
            const starts: number[] = [];
            const violations: string[] = [];
            for (const w of split.windows) {
              starts.push(w.targetStart);
              // Each value is its own step index (ramp), so the steps are read off the data.
              for (const step of w.target) if (owner(step) !== k) violations.push(`target ${step}`);
              for (const step of w.context) {
                if (step >= w.targetStart) violations.push(`context ${step} at ${w.targetStart}`);
              }
              if (w.context.length - w.padding < minContext)
                violations.push(`padding ${w.padding}`);
            }
            expect(violations).toEqual([]);
            // Every admissible split point is present: brute-force enumeration.
            const expected: number[] = [];
            const first = Math.max(bounds[k], minContext);
            for (let t = first; t + predictionLength <= bounds[k + 1]; t += stride)
              expected.push(t);
            if (bounds[k] === bounds[k + 1]) expected.length = 0;
            expect(starts).toEqual(expected);
          });
          expect(splits.train.windows.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("splitByTime(series) lets validation and test contexts reach back into earlier data", () => {
    const { train, validation, test } = splitByTime(ramp(100), {
      contextLength: 10,
      predictionLength: 5,
      validation: 20,
      test: 0.2,
      stride: 5,
    });
    expect([train.end, validation.start, validation.end, test.start]).toEqual([60, 60, 80, 80]);
    const v0 = validation.windows.at(0);
    expect([v0.contextStart, v0.targetStart, v0.end]).toEqual([50, 60, 65]);
    expect([...test.windows].map((w) => w.targetStart)).toEqual([80, 85, 90, 95]);
    expect([...train.windows].at(-1)?.end).toBe(60);
  });

  it("splitByTime(series) with no validation or test gives empty splits", () => {
    const s = splitByTime(ramp(20), { contextLength: 4, predictionLength: 2 });
    expect(s.validation.windows.length).toBe(0);
    expect(s.test.windows.length).toBe(0);
    expect(s.train.windows.length).toBe(15);
  });

  it("splitByTime(series) rejects bad portions and too-short splits, naming them", () => {
    const o = { contextLength: 4, predictionLength: 2 };
    expect(() => splitByTime(ramp(50), { ...o, test: 1.5 })).toThrow(
      new RangeError(
        "splitByTime(): test must be a fraction in (0, 1) or a non-negative integer count, got 1.5",
      ),
    );
    expect(() => splitByTime(ramp(50), { ...o, validation: -2 })).toThrow(/validation.*got -2/);
    expect(() => splitByTime(ramp(50), { ...o, test: 1 })).toThrow(
      "splitByTime(): test has 1 steps, fewer than predictionLength 2",
    );
    expect(() => splitByTime(ramp(10), { ...o, validation: 3, test: 3 })).toThrow(
      "splitByTime(): series of length 10 leaves 4 training steps after validation 3 and test 3; one window needs 6",
    );
    expect(() => splitByTime(ramp(10), { ...o, tests: 3 } as never)).toThrow(
      /unknown option "tests"/,
    );
  });
});
