import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { levelShifts } from "../../src/pretrain/level-shifts.js";

it("levelShifts(rng, length, { shifts, noise: 0 }) is a step function with that many jumps of at least 1", () => {
  for (let s = 0; s < 20; s++) {
    const x = levelShifts(new Random(s), 200, { shifts: 3, noise: 0 });
    const jumps = [];
    for (let i = 1; i < x.length; i++) if (x[i] !== x[i - 1]) jumps.push(Math.abs(x[i] - x[i - 1]));
    expect(jumps).toHaveLength(3);
    for (const j of jumps) expect(j).toBeGreaterThanOrEqual(1 - 1e-12);
  }
});

it("levelShifts(rng, length) is deterministic, of the length asked and finite", () => {
  const a = levelShifts(new Random(5), 256);
  expect(a).toHaveLength(256);
  expect(Array.from(a)).toEqual(Array.from(levelShifts(new Random(5), 256)));
  for (let s = 0; s < 20; s++)
    expect(levelShifts(new Random(s), 64).every(Number.isFinite)).toBe(true);
  expect(() => levelShifts(new Random(1), 10, { shifts: 1.5 })).toThrow(
    "levelShifts(): shifts must be a non-negative integer, got 1.5",
  );
});
