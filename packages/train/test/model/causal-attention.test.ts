import { describe, expect, it } from "vitest";
import { attentionBackward, attentionForward } from "../../src/model/causal-attention.js";
import {
  dotWith,
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";

describe("causal attention", () => {
  const dims = { B: 2, T: 4, H: 4, KV: 2, D: 4 };
  const N = dims.B * dims.T;
  const q = randomFloats(new Float64Array(N * dims.H * dims.D), 11);
  const k = randomFloats(new Float64Array(N * dims.KV * dims.D), 12);
  const v = randomFloats(new Float64Array(N * dims.KV * dims.D), 13);
  const r = randomFloats(new Float64Array(N * dims.H * dims.D), 14);
  const mask = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1]);
  const run = (m: Uint8Array | null) => {
    const out = new Float64Array(N * dims.H * dims.D);
    const probs = new Float64Array(dims.B * dims.H * dims.T * dims.T);
    attentionForward(out, probs, q, k, v, dims, m);
    return { out, probs };
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

  it("attentionForward(...) gives masked keys zero probability", () => {
    const { probs } = run(mask);
    // sequence 1 (rows 4..7), key 0 is padding: every query of sequence 1, head 0, ignores it
    for (let i = 1; i < 4; i++) expect(probs[((1 * 4 + 0) * 4 + i) * 4 + 0]).toBe(0);
  });

  it.each([null, mask])(
    "attentionBackward(...) matches finite differences for q, k, v (mask %#)",
    async (m) => {
      const { probs } = run(m);
      const dq = new Float64Array(q.length);
      const dk = new Float64Array(k.length);
      const dv = new Float64Array(v.length);
      attentionBackward(dq, dk, dv, r, probs, q, k, v, dims, new Float64Array(dims.T));
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
