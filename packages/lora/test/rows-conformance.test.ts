// rmsNormForward/rmsNormBackward and swigluForward/swigluBackward on every backend against the
// naive kernels: tiny sizes, sizes not a multiple of 4, more than one tile, and cases large
// enough to run across the workers; the weight gradient repeats bit for bit. Bounds scale with
// the backend's unit round-off and the lengths of the sums (cols, rows).
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend";
import { naiveRmsNormBackward, naiveRmsNormForward } from "../src/rms-norm";
import { naiveSwigluBackward, naiveSwigluForward } from "../src/swiglu";
import { loadBackends } from "./backends";
import { randomArray, worstRatio } from "./helpers";

const cases = await loadBackends();

/** [rows, cols]: one element, odd, a tile and a bit (32 rows a tile on wasm), the workers. */
const normCases: [number, number][] = [
  [1, 1],
  [3, 5],
  [33, 31],
  [65, 64],
  [1029, 4099],
];
/** Elements: tiny, odd, a wasm tile (8192) and a bit, the workers. */
const swigluCases = [1, 3, 7, 8195, 1_000_003];

/** A bound from the largest |want|: round-off of sums over `terms` terms. */
function bound(want: Float32Array, epsilon: number, terms: number): Float64Array {
  let max = 1e-30;
  for (const w of want) max = Math.max(max, Math.abs(w));
  return new Float64Array(want.length).fill(2 * epsilon * (terms + 8) * max);
}

function expectClose(got: Float32Array, want: Float32Array, b: Float64Array, name: string) {
  const worst = worstRatio(got, want, b);
  expect(
    worst.ratio,
    `${name} at ${worst.index}: ${got[worst.index]} vs ${want[worst.index]}`,
  ).toBeLessThanOrEqual(1);
}

/** Whether a and b hold the same bits (toEqual is slow on millions of floats). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  const [x, y] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function normCase(N: number, C: number) {
  const x = randomArray(N * C, 1).map((v) => 3 * v);
  const weight = randomArray(C, 2);
  const out = new Float32Array(N * C);
  const rstd = new Float32Array(N);
  naiveRmsNormForward(out, rstd, x, weight, N, C, 1e-6);
  const dOut = randomArray(N * C, 3);
  const dx = randomArray(N * C, 4);
  const dweight = randomArray(C, 5);
  const wantDx = dx.slice();
  const wantDw = dweight.slice();
  naiveRmsNormBackward(wantDx, wantDw, dOut, x, weight, rstd, N, C);
  return { x, weight, out, rstd, dOut, dx, dweight, wantDx, wantDw };
}

/** Gates over exp's whole range (and past it), ups and dOut in ±1. */
function swigluCase(L: number) {
  const gate = randomArray(L, 6).map((v) => 12 * v);
  gate.set([-100, 100, -88, 89, 0].slice(0, L));
  const up = randomArray(L, 7);
  const dOut = randomArray(L, 8);
  const out = new Float32Array(L);
  naiveSwigluForward(out, gate, up, L);
  const [dgate, dup] = [new Float32Array(L), new Float32Array(L)];
  naiveSwigluBackward(dgate, dup, dOut, gate, up, L);
  return { gate, up, dOut, out, dgate, dup };
}

describe.each(cases)("$name backend", ({ backend, epsilon }) => {
  const b = backend as Backend;
  describe.skipIf(backend === null)("rmsNorm and swiglu", () => {
    it.each(normCases)(
      "rmsNormForward(…) and rmsNormBackward(…) match the naive kernels: %i rows × %i",
      async (N, C) => {
        const c = normCase(N, C);
        const got = new Float32Array(N * C + 1).fill(7); // one sentinel past the end
        const rstd = new Float32Array(N);
        await b.rmsNormForward(got.subarray(0, N * C), rstd, c.x, c.weight, N, C, 1e-6);
        expectClose(got, c.out, bound(c.out, epsilon, C), "out");
        expect(got[N * C]).toBe(7);
        expectClose(rstd, c.rstd, bound(c.rstd, epsilon, C), "rstd");
        const [dx, dweight] = [c.dx.slice(), c.dweight.slice()];
        await b.rmsNormBackward(dx, dweight, c.dOut, c.x, c.weight, c.rstd, N, C);
        expectClose(dx, c.wantDx, bound(c.wantDx, epsilon, C), "dx");
        expectClose(dweight, c.wantDw, bound(c.wantDw, epsilon, N + C), "dweight");
        const dxOnly = c.dx.slice();
        await b.rmsNormBackward(dxOnly, null, c.dOut, c.x, c.weight, c.rstd, N, C);
        expect(sameBits(dxOnly, dx)).toBe(true);
      },
    );

    it("rmsNormBackward(…) sums the weight gradient in the same order every call", async () => {
      const c = normCase(1029, 4099);
      const runs: Float32Array[] = [];
      for (let i = 0; i < 2; i++) {
        const dweight = c.dweight.slice();
        await b.rmsNormBackward(c.dx.slice(), dweight, c.dOut, c.x, c.weight, c.rstd, 1029, 4099);
        runs.push(dweight);
      }
      expect(sameBits(runs[1], runs[0])).toBe(true);
    });

    it.each(swigluCases)(
      "swigluForward(…) and swigluBackward(…) match the naive kernels: %i elements",
      async (L) => {
        const c = swigluCase(L);
        const out = new Float32Array(L + 1).fill(7);
        await b.swigluForward(out.subarray(0, L), c.gate, c.up, L);
        expectClose(out, c.out, bound(c.out, epsilon, 8), "out");
        expect(out[L]).toBe(7);
        const [dgate, dup] = [new Float32Array(L).fill(3), new Float32Array(L).fill(3)];
        await b.swigluBackward(dgate, dup, c.dOut, c.gate, c.up, L);
        expectClose(dgate, c.dgate, bound(c.dgate, epsilon, 8), "dgate");
        expectClose(dup, c.dup, bound(c.dup, epsilon, 8), "dup");
      },
    );

    it("rmsNormForward() and swigluBackward() reject short buffers, naming them", async () => {
      const c = normCase(3, 5);
      await expect(async () =>
        b.rmsNormForward(c.out, c.rstd.subarray(1), c.x, c.weight, 3, 5, 1e-6),
      ).rejects.toThrow(/rmsNormForward\(\): rstd must hold at least 3 floats/);
      const s = swigluCase(7);
      await expect(async () =>
        b.swigluBackward(s.dgate, s.dup.subarray(1), s.dOut, s.gate, s.up, 7),
      ).rejects.toThrow(/swigluBackward\(\): dup must hold at least 7 floats/);
    });
  });
});

const byName = (name: string) => cases.find((c) => c.name === name)?.backend ?? null;
const [wasmMany, wasmOne] = [byName("wasm"), byName("wasm, 1 thread")];

// Registered only where both wasm cases exist (Node): the browser page runs one backend and
// counts any skip as a failure.
if (wasmMany !== null && wasmOne !== null)
  describe("wasm rmsNormBackward", () => {
    it("rmsNormBackward(…) gives the same weight gradient on 1 thread and across workers", async () => {
      const c = normCase(1029, 4099);
      const grads: Float32Array[] = [];
      for (const b of [wasmMany, wasmOne]) {
        const dweight = c.dweight.slice();
        await b.rmsNormBackward(c.dx.slice(), dweight, c.dOut, c.x, c.weight, c.rstd, 1029, 4099);
        grads.push(dweight);
      }
      expect(sameBits(grads[0], grads[1])).toBe(true);
    });
  });
