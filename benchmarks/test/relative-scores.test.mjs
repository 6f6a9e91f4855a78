import { describe, expect, it } from "vitest";
import { evaluationFolds, geometricMean } from "../src/relative-scores.mjs";

describe("relative scores", () => {
  it("geometricMean(values) is the n-th root of the product", () => {
    expect(geometricMean([0.5, 2])).toBeCloseTo(1, 15);
    // Brute force: (1 · 3 · 9)^(1/3) = 3.
    expect(geometricMean([1, 3, 9])).toBeCloseTo(Math.cbrt(1 * 3 * 9), 14);
  });

  it("geometricMean(values) rejects an empty list and non-positive or non-finite values", () => {
    expect(() => geometricMean([])).toThrow(/must not be empty/);
    expect(() => geometricMean([1, 0])).toThrow(
      /values\[1\] must be a positive finite number, got 0/,
    );
    expect(() => geometricMean([Number.NaN])).toThrow(/got NaN/);
    expect(() => geometricMean([Number.POSITIVE_INFINITY])).toThrow(/got Infinity/);
  });

  it("evaluationFolds(length, horizon, maxFolds, need) leaves `need` values before the tail", () => {
    expect(evaluationFolds(1000, 20, 5, 96)).toBe(5);
    expect(evaluationFolds(123, 18, 5, 96)).toBe(1); // 123 − 18 ≥ 96 > 123 − 36
    expect(evaluationFolds(117, 6, 5, 96)).toBe(3); // 117 − 18 = 99 ≥ 96 > 117 − 24
    expect(evaluationFolds(100, 18, 5, 96)).toBe(0);
  });
});
