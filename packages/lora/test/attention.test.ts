// The naive attention kernels against a softmax written out by hand for one row, the masking
// rules (a padded key visible to itself with keepSelf; a row with no visible key uniform over
// every key) and central differences of Σ g·out for every gradient.
import { describe, expect, it } from "vitest";
import { checkAttention, naiveAttentionBackward, naiveAttentionForward } from "../src/attention";
import type { AttentionStep } from "../src/backend";
import { attentionStep, randomArray } from "./helpers";

const run = (s: AttentionStep) => {
  const out = new Float32Array(s.B * s.Tq * s.H * s.D);
  naiveAttentionForward(s, out);
  return out;
};

describe("naive attention", () => {
  const shape = { B: 2, Tq: 3, Tk: 4, H: 4, KV: 2, D: 3, causal: false, scale: 0.5 };

  it("naiveAttentionForward(step, out) is softmax(scale·q·kᵀ + bias)·v over visible keys, head h on kv head ⌊h/2⌋", () => {
    const s = attentionStep(shape, Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1]), true);
    const out = run(s);
    const [b, i, h, g, D] = [1, 2, 3, 1, 3];
    const qi = (b * 3 + i) * 12 + h * D;
    const keys = [0, 2, 3]; // key 1 of sequence 1 is padding
    const z = keys.map((j) => {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += s.q[qi + d] * s.k[(b * 4 + j) * 6 + g * D + d];
      return 0.5 * dot + (s.bias as Float32Array)[(h * 3 + i) * 4 + j];
    });
    const e = z.map(Math.exp);
    const sum = e.reduce((a, x) => a + x, 0);
    for (let d = 0; d < D; d++) {
      const want = keys.reduce((a, j, n) => a + (e[n] / sum) * s.v[(b * 4 + j) * 6 + g * D + d], 0);
      expect(out[qi + d]).toBeCloseTo(want, 6);
    }
    expect(s.lse[(b * 4 + h) * 3 + i]).toBeCloseTo(Math.log(sum), 6);
  });

  it("naiveAttentionForward(step, out) makes a row with no visible key uniform (lse = log Tk), unless keepSelf keeps its own key", () => {
    const mask = Uint8Array.from([0, 0, 0, 1, 1, 1, 1, 1]);
    const s = attentionStep({ ...shape, Tq: 4, causal: true }, mask, true);
    const out = run(s);
    // Sequence 0, row 1 (causal: keys 0, 1, both padding): the mean of all four values.
    for (let d = 0; d < 3; d++) {
      const mean = [0, 1, 2, 3].reduce((a, j) => a + s.v[j * 6 + d], 0) / 4;
      expect(out[1 * 12 + d]).toBeCloseTo(mean, 6);
    }
    expect(s.lse[1]).toBeCloseTo(Math.log(4), 6);
    const own = attentionStep({ ...shape, Tq: 4, causal: true, keepSelf: true }, mask, false);
    const kept = run(own);
    for (let d = 0; d < 3; d++) expect(kept[1 * 12 + d]).toBeCloseTo(own.v[1 * 6 + d], 6);
  });

  it.each([
    [
      "T5-like: bias, padding, a whole sequence masked",
      { ...shape, causal: true, Tq: 4 },
      [0, 0, 0, 0, 1, 0, 1, 1],
    ],
    [
      "Llama-like: keepSelf, GQA, Tkv > Tk",
      { ...shape, Tkv: 6, keepSelf: true, causal: true, Tq: 4 },
      [0, 1, 1, 1, 1, 1, 0, 1],
    ],
  ] as const)("naiveAttentionBackward(...) matches central differences (%s)", (_, sh, m) => {
    const s = attentionStep(sh, Uint8Array.from(m), true);
    naiveAttentionForward(s, new Float32Array(s.q.length));
    const g = randomArray(s.q.length, 15);
    const grads = [s.q, s.k, s.v, s.bias as Float32Array].map((x) => new Float32Array(x.length));
    naiveAttentionBackward(s, g, grads[0], grads[1], grads[2], grads[3]);
    const loss = () =>
      run({ ...s, lse: new Float32Array(s.lse.length) }).reduce((a, o, i) => a + o * g[i], 0);
    const h = 1e-2;
    for (const [n, x] of [s.q, s.k, s.v, s.bias as Float32Array].entries()) {
      let worst = 0;
      let size = 1e-3;
      for (let i = 0; i < x.length; i++) {
        const keep = x[i];
        x[i] = keep + h;
        const up = loss();
        x[i] = keep - h;
        const down = loss();
        x[i] = keep;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grads[n][i]));
        size = Math.max(size, Math.abs(grads[n][i]));
      }
      expect(worst / size, `operand ${n}`).toBeLessThan(2e-3);
    }
  });

  it("checkAttention(fn, step, out) names Tkv below Tk, a non-finite scale and a short keyMask", () => {
    const s = attentionStep(shape, null, false);
    const out = new Float32Array(s.q.length);
    expect(() => checkAttention("f()", { ...s, Tkv: 3 }, out)).toThrow(
      /f\(\): Tkv must be an integer ≥ Tk \(4\), got 3/,
    );
    expect(() => checkAttention("f()", { ...s, scale: Number.NaN }, out)).toThrow(
      /scale must be a finite number, got NaN/,
    );
    expect(() => checkAttention("f()", { ...s, keyMask: new Uint8Array(7) }, out)).toThrow(
      /keyMask must hold at least 8 flags, got 7/,
    );
  });
});
