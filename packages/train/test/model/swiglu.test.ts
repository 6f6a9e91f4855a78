import { expect, it } from "vitest";
import { swigluBackward, swigluForward } from "../../src/model/swiglu.js";
import {
  dotWith,
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";

const L = 20;
const gate = randomFloats(new Float64Array(L), 4, 2);
const up = randomFloats(new Float64Array(L), 5);
const r = randomFloats(new Float64Array(L), 6);
const f = () => {
  const out = new Float64Array(L);
  swigluForward(out, gate, up, L);
  return dotWith(out, r);
};

it("swigluForward(...) is silu(gate) times up", () => {
  const out = new Float64Array(L);
  swigluForward(out, gate, up, L);
  expect(out[3]).toBeCloseTo((gate[3] / (1 + Math.exp(-gate[3]))) * up[3], 14);
});

it("swigluBackward(...) matches finite differences (float64)", async () => {
  const dg = new Float64Array(L);
  const du = new Float64Array(L);
  swigluBackward(dg, du, r, gate, up, L);
  expect(
    maxRelError(Array.from(dg), await numericGradient(f, gate, spread(L, L), 1e-6)),
  ).toBeLessThan(1e-6);
  expect(
    maxRelError(Array.from(du), await numericGradient(f, up, spread(L, L), 1e-6)),
  ).toBeLessThan(1e-6);
});
