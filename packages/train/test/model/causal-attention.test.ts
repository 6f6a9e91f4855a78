import { createBackend, ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import * as fast from "../../src/model/causal-attention.js";
import {
  dotWith,
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";
import { naiveBackend } from "../helpers/naive-backend.js";
import { attentionBackward, attentionForward } from "../helpers/reference-attention.js";

const wasm = await createBackend("wasm", { threads: 2 });

describe("reference causal attention (float64)", () => {
  const dims = { B: 2, T: 4, H: 4, KV: 2, D: 4 };
  const N = dims.B * dims.T;
  const q = randomFloats(new Float64Array(N * dims.H * dims.D), 11);
  const k = randomFloats(new Float64Array(N * dims.KV * dims.D), 12);
  const v = randomFloats(new Float64Array(N * dims.KV * dims.D), 13);
  const r = randomFloats(new Float64Array(N * dims.H * dims.D), 14);
  const mask = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1]);
  const run = (m: Uint8Array | null) => {
    const out = new Float64Array(N * dims.H * dims.D);
    const lse = new Float64Array(dims.B * dims.H * dims.T);
    attentionForward(out, lse, q, k, v, dims, m);
    return { out, lse };
  };

  it("attentionForward(...) matches a direct softmax(q·k/√D)·v for one query with grouped heads", () => {
    const { out } = run(null);
    // sequence 1, position 2, head 3 reads kv head 1
    const D = dims.D;
    const qi = (1 * 4 + 2) * 16 + 3 * D;
    const s = [0, 1, 2].map((j) => {
      let d = 0;
      for (let c = 0; c < D; c++) d += q[qi + c] * k[(1 * 4 + j) * 8 + 1 * D + c];
      return d / Math.sqrt(D);
    });
    const e = s.map((x) => Math.exp(x));
    const z = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < D; c++) {
      const want = [0, 1, 2].reduce(
        (acc, j) => acc + (e[j] / z) * v[(1 * 4 + j) * 8 + 1 * D + c],
        0,
      );
      expect(out[qi + c]).toBeCloseTo(want, 12);
    }
  });

  it("attentionForward(...) ignores masked keys and records each row's log-sum-exp", () => {
    // sequence 1 (rows 4..7), key 0 is padding: changing its value changes no output of sequence 1
    const before = run(mask);
    const saved = v.slice();
    for (let c = 0; c < 2 * dims.D; c++) v[(1 * 4 + 0) * 8 + c] += 5;
    const after = run(mask);
    v.set(saved);
    for (let i = 4 * 16; i < 8 * 16; i++) {
      if (i < 5 * 16) continue; // row 4 attends to its own (masked) key only, by design
      expect(after.out[i]).toBe(before.out[i]);
    }
    // sequence 0, head 0, position 0 attends to itself only: lse is its own scaled score
    let s = 0;
    for (let c = 0; c < dims.D; c++) s += q[c] * k[c];
    expect(before.lse[0]).toBeCloseTo(s / Math.sqrt(dims.D), 12);
  });

  it.each([null, mask])(
    "attentionBackward(...) matches finite differences for q, k, v (mask %#)",
    async (m) => {
      const { lse } = run(m);
      const dq = new Float64Array(q.length);
      const dk = new Float64Array(k.length);
      const dv = new Float64Array(v.length);
      attentionBackward(dq, dk, dv, r, lse, q, k, v, dims, m);
      const f = () => dotWith(run(m).out, r);
      expect(
        maxRelError(Array.from(dq), await numericGradient(f, q, spread(q.length, q.length), 1e-6)),
      ).toBeLessThan(1e-5);
      expect(
        maxRelError(Array.from(dk), await numericGradient(f, k, spread(k.length, k.length), 1e-6)),
      ).toBeLessThan(1e-5);
      expect(
        maxRelError(Array.from(dv), await numericGradient(f, v, spread(v.length, v.length), 1e-6)),
      ).toBeLessThan(1e-5);
    },
  );
});

describe("causal attention on the backend's attention op", () => {
  // Odd sizes, four query heads over two key/value heads, a padded sequence.
  const dims = { B: 3, T: 17, H: 4, KV: 2, D: 5 };
  const N = dims.B * dims.T;
  const f32 = (n: number, seed: number) => randomFloats(new Float32Array(n), seed);
  const [q, k, v, dout] = [
    f32(N * dims.H * dims.D, 1),
    f32(N * dims.KV * dims.D, 2),
    f32(N * dims.KV * dims.D, 3),
    f32(N * dims.H * dims.D, 4),
  ];
  const keyMask = new Uint8Array(N).fill(1);
  keyMask.fill(0, dims.T, dims.T + 6); // sequence 1 starts with 6 padded positions

  it.each([
    ["naive", naiveBackend],
    ["reference", new ReferenceBackend()],
    ["wasm", wasm],
  ] as const)(
    "matches the scalar reference forward and backward (%s backend)",
    async (_, backend) => {
      for (const mask of [null, keyMask]) {
        const want = new Float64Array(N * dims.H * dims.D);
        const wantLse = new Float64Array(dims.B * dims.H * dims.T);
        attentionForward(want, wantLse, q, k, v, dims, mask);
        const got = new Float32Array(want.length);
        const lse = new Float32Array(wantLse.length);
        await fast.attentionForward(got, lse, q, k, v, dims, mask, backend);
        expect(maxRelError(Array.from(got), Array.from(want), 1e-3)).toBeLessThan(1e-4);
        expect(maxRelError(Array.from(lse), Array.from(wantLse), 1e-3)).toBeLessThan(1e-5);

        const grads = () => [q, k, v].map((a) => new Float64Array(a.length));
        const [wq, wk, wv] = grads();
        attentionBackward(wq, wk, wv, dout, wantLse, q, k, v, dims, mask);
        const [gq, gk, gv] = [q, k, v].map((a) => new Float32Array(a.length).fill(0.25));
        await fast.attentionBackward(gq, gk, gv, dout, lse, q, k, v, dims, mask, backend);
        // Accumulates into what was there (0.25 everywhere).
        for (const [g, w] of [
          [gq, wq],
          [gk, wk],
          [gv, wv],
        ] as const) {
          const got = Array.from(g, (x) => x - 0.25);
          expect(maxRelError(got, Array.from(w), 1e-3)).toBeLessThan(1e-3);
        }
      }
    },
  );
});
