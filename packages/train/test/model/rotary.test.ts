import { expect, it } from "vitest";
import { rotaryApply, rotaryTables } from "../../src/model/rotary.js";
import { dotWith, randomFloats } from "../helpers/finite-difference.js";

it("rotaryTables(...) follows Llama's inverse frequencies theta^(-2i/D)", () => {
  const t = rotaryTables(8, 5, 10000);
  // position 3, pair 1: angle = 3 · 10000^(−2/8)
  expect(t.cos[3 * 4 + 1]).toBeCloseTo(Math.cos(3 * 10000 ** -0.25), 6);
  expect(t.sin[3 * 4 + 1]).toBeCloseTo(Math.sin(3 * 10000 ** -0.25), 6);
});

it("rotaryApply(...) rotates the first half of a head against the second (rotate_half)", () => {
  const t = rotaryTables(4, 4, 10000);
  // One head of size 4 at position 1: x = [1, 0, 0, 0] → [cos θ₀, 0, sin θ₀, 0].
  const x = new Float64Array(8);
  x[4] = 1;
  rotaryApply(x, t, 2, 2, 1, 1);
  expect(x[4]).toBeCloseTo(Math.cos(1), 6);
  expect(x[6]).toBeCloseTo(Math.sin(1), 6);
  expect(x[5]).toBe(0);
});

it("rotaryApply(..., -1) is the transpose of rotaryApply(..., 1): <Rx, y> = <x, Rᵀy>", () => {
  const t = rotaryTables(8, 6, 500);
  const x = randomFloats(new Float64Array(6 * 2 * 8), 7);
  const y = randomFloats(new Float64Array(6 * 2 * 8), 8);
  const rx = Float64Array.from(x);
  rotaryApply(rx, t, 6, 3, 2, 1);
  const rty = Float64Array.from(y);
  rotaryApply(rty, t, 6, 3, 2, -1);
  expect(dotWith(rx, y)).toBeCloseTo(dotWith(x, rty), 10);
});
