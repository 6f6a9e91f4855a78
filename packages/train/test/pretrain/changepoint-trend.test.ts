import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { changepointTrend } from "../../src/pretrain/changepoint-trend.js";

it("changepointTrend(rng, length, { breakpoints, noise: 0 }) is piecewise linear with that many kinks", () => {
  for (let s = 0; s < 20; s++) {
    const x = changepointTrend(new Random(s), 300, { breakpoints: 3, noise: 0 });
    let kinks = 0;
    for (let i = 0; i + 2 < x.length; i++)
      if (Math.abs(x[i + 2] - 2 * x[i + 1] + x[i]) > 1e-9) kinks++;
    expect(kinks).toBeGreaterThanOrEqual(1); // two breakpoints may fall on one step
    expect(kinks).toBeLessThanOrEqual(3);
  }
});

it("changepointTrend(rng, length) is deterministic, of the length asked and finite", () => {
  const a = changepointTrend(new Random(5), 256);
  expect(a).toHaveLength(256);
  expect(Array.from(a)).toEqual(Array.from(changepointTrend(new Random(5), 256)));
  for (let s = 0; s < 20; s++)
    expect(changepointTrend(new Random(s), 64).every(Number.isFinite)).toBe(true);
  expect(() => changepointTrend(new Random(1), 10, { breakpoints: -1 })).toThrow(
    "changepointTrend(): breakpoints must be a non-negative integer, got -1",
  );
});
