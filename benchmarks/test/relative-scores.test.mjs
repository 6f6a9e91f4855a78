import { describe, expect, it } from "vitest";
import { evaluationFolds } from "../src/relative-scores.mjs";

describe("relative scores", () => {
  it("evaluationFolds(length, horizon, maxFolds, need) leaves `need` values before the tail", () => {
    expect(evaluationFolds(1000, 20, 5, 96)).toBe(5);
    expect(evaluationFolds(123, 18, 5, 96)).toBe(1); // 123 − 18 ≥ 96 > 123 − 36
    expect(evaluationFolds(117, 6, 5, 96)).toBe(3); // 117 − 18 = 99 ≥ 96 > 117 − 24
    expect(evaluationFolds(100, 18, 5, 96)).toBe(0);
  });
});
