import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { checkWeights, weightedChoice } from "../../src/pretrain/weighted-choice.js";

it("weightedChoice(rng, weights) picks keys in proportion to their weights", () => {
  const rng = new Random(4);
  const counts = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 20000; i++) counts[weightedChoice(rng, { a: 3, b: 1, c: 0 }) ?? "c"]++;
  expect(counts.c).toBe(0);
  expect(Math.abs(counts.a / 20000 - 0.75)).toBeLessThan(0.01);
});

it("weightedChoice(rng, weights, exclude) skips excluded keys and returns undefined when none is left", () => {
  const rng = new Random(4);
  expect(weightedChoice(rng, { a: 3, b: 1 }, new Set(["a"]))).toBe("b");
  expect(weightedChoice(rng, { a: 3 }, new Set(["a"]))).toBeUndefined();
});

it("checkWeights(...) names the table and the bad key", () => {
  const valid = ["a", "b"];
  expect(() => checkWeights("f()", "families", { z: 1 }, valid)).toThrow(
    'f(): unknown families option "z"; valid: a, b',
  );
  expect(() => checkWeights("f()", "families", { a: -1 }, valid)).toThrow(
    "f(): families.a must be a finite number ≥ 0, got -1",
  );
  expect(() => checkWeights("f()", "families", { a: 0 }, valid)).toThrow(/all zero/);
});
