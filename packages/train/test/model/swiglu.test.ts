import { createBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { SWIGLU, swigluBackward, swigluForward, swigluOn } from "../../src/model/swiglu.js";
import {
  dotWith,
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";
import { naiveBackend } from "../helpers/naive-backend.js";

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

it("swigluOn(backend) runs the backend's op, or the plain kernels for a backend without it", async () => {
  expect(swigluOn(naiveBackend)).toBe(SWIGLU);
  const backend = await createBackend("wasm", { threads: 2 });
  const n = 8195; // a wasm tile (8192) and an odd tail
  const [g, u, d] = [7, 8, 9].map((seed) => randomFloats(new Float32Array(n), seed, 6));
  const gated = swigluOn(backend);
  const [want, got] = [new Float32Array(n), new Float32Array(n)];
  swigluForward(want, g, u, n);
  await gated.forward(got, g, u, n);
  expect(maxRelError(Array.from(got), Array.from(want), 1)).toBeLessThan(1e-5);
  const [wantDg, wantDu, dg, du] = [0, 1, 2, 3].map(() => new Float32Array(n));
  swigluBackward(wantDg, wantDu, d, g, u, n);
  await gated.backward(dg, du, d, g, u, n);
  expect(maxRelError(Array.from(dg), Array.from(wantDg), 1)).toBeLessThan(1e-5);
  expect(maxRelError(Array.from(du), Array.from(wantDu), 1)).toBeLessThan(1e-5);
  await backend.dispose();
});
