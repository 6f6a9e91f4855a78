// attentionForward/attentionBackward on every backend against the naive kernels: Llama's causal
// grouped-query attention (scale 1/√D, a padded key visible to itself) and T5's (no scale, a
// position bias and its gradient, padded keys, whole rows masked, a decoding cache's Tkv > Tk),
// odd head sizes, and a case large enough to run across the workers. Bounds scale with the
// backend's unit round-off and the lengths of the sums (D, Tk).
import { describe, expect, it } from "vitest";
import { naiveAttentionBackward, naiveAttentionForward } from "../src/attention";
import type { AttentionShape, Backend } from "../src/backend";
import { loadBackends } from "./backends";
import { attentionStep, randomArray, worstRatio } from "./helpers";

const cases = await loadBackends();

/** [title, shape, mask kind, bias, dBias]. */
type Case = [string, AttentionShape, "none" | "padded" | "whole", boolean];
const llama = (B: number, T: number, H: number, KV: number, D: number): AttentionShape => ({
  ...{ B, Tq: T, Tk: T, H, KV, D },
  ...{ causal: true, scale: 1 / Math.sqrt(D), keepSelf: true },
});
const t5 = (B: number, Tq: number, Tk: number, H: number, D: number, causal: boolean) => ({
  ...{ B, Tq, Tk, H, KV: H, D, causal, scale: 1 },
});
const attentionCases: Case[] = [
  ["Llama GQA, odd D", llama(2, 17, 4, 2, 5), "none", false],
  ["Llama GQA, padded keys", llama(3, 13, 6, 2, 8), "padded", false],
  ["T5 encoder, bias, a sequence all padding", t5(2, 9, 9, 3, 7, false), "whole", true],
  ["T5 decoder, causal with bias", t5(2, 7, 7, 2, 4, true), "none", true],
  ["T5 causal, padded first keys (uniform rows)", t5(2, 6, 6, 2, 3, true), "padded", true],
  ["T5 cross-attention, Tq ≠ Tk", t5(2, 5, 11, 2, 6, false), "padded", false],
  ["decoding cache, Tkv > Tk", { ...t5(2, 1, 6, 2, 9, false), Tkv: 10 }, "none", true],
  ["across the workers", llama(8, 128, 4, 2, 16), "padded", false],
  // D a multiple of 8: the wasm backend's blocked tiles (microkernel matmuls), row blocks of 40.
  ["blocked: Llama D 32, 45 tokens", llama(2, 45, 4, 2, 32), "padded", false],
  ["blocked: forward with bias, a sequence all padding", t5(2, 9, 9, 3, 8, false), "whole", true],
  ["blocked: causal, padded first keys (uniform rows)", t5(2, 6, 6, 2, 8, true), "padded", false],
  ["blocked: cross-attention, Tq ≠ Tk", t5(2, 5, 11, 2, 16, false), "padded", false],
  ["blocked: decoding cache, Tkv > Tk", { ...t5(2, 3, 6, 2, 8, false), Tkv: 10 }, "none", false],
];

/** Inputs in ±1 (bias ±2), a mask, the naive results. */
function attentionCase([, shape, maskKind, withBias]: Case) {
  const { B, Tq, Tk, H, D } = shape;
  const keyMask =
    maskKind === "none" ? null : new Uint8Array(B * Tk).map((_, i) => (i % Tk < 2 ? 0 : 1));
  if (keyMask !== null && maskKind === "whole") keyMask.fill(0, Tk, 2 * Tk); // sequence 1
  if (keyMask !== null && maskKind === "padded") keyMask[B * Tk - 1] = 0; // a padded last key
  const step = attentionStep(shape, keyMask, withBias);
  const out = new Float32Array(B * Tq * H * D);
  naiveAttentionForward(step, out);
  const dOut = randomArray(out.length, 5);
  const grads = [out.length, step.k.length, step.v.length, H * Tq * Tk].map((n, i) =>
    randomArray(n, 6 + i),
  );
  const want = grads.map((g) => g.slice());
  naiveAttentionBackward(step, dOut, want[0], want[1], want[2], withBias ? want[3] : null);
  return { step, out, dOut, grads, want };
}

/** A bound from the largest |want|: round-off of sums over D and Tk terms and of exps. */
function bound(want: Float32Array, epsilon: number, shape: AttentionShape): Float64Array {
  let max = 1e-30;
  for (const w of want) max = Math.max(max, Math.abs(w));
  return new Float64Array(want.length).fill(2 * epsilon * (shape.D + shape.Tk + 8) * max);
}

describe.each(cases)("$name backend", ({ backend, epsilon }) => {
  const b = backend as Backend;
  describe.skipIf(backend === null)("attention", () => {
    it.each(attentionCases)(
      "attentionForward(step, out) and attentionBackward(step, …) match the naive kernels: %s",
      async (...c) => {
        const shape = c[1];
        const { step, out, dOut, grads, want } = attentionCase(c);
        const got = new Float32Array(out.length + 1).fill(7); // one sentinel past the end
        const lse = new Float32Array(step.lse.length);
        await b.attentionForward({ ...step, lse }, got.subarray(0, out.length));
        const worst = worstRatio(got, out, bound(out, epsilon, shape));
        expect(worst.ratio, `out at ${worst.index}`).toBeLessThanOrEqual(1);
        expect(got[out.length]).toBe(7);
        const lseWorst = worstRatio(lse, step.lse, bound(step.lse, epsilon, shape));
        expect(lseWorst.ratio, `lse at ${lseWorst.index}`).toBeLessThanOrEqual(1);
        const g = grads.map((x) => x.slice());
        await b.attentionBackward(step, dOut, g[0], g[1], g[2], step.bias ? g[3] : null);
        for (const [i, name] of ["dq", "dk", "dv", "dBias"].entries()) {
          const w = worstRatio(g[i], want[i], bound(want[i], epsilon, shape));
          expect(w.ratio, `${name} at ${w.index}`).toBeLessThanOrEqual(1);
        }
      },
    );

    it.each([
      ["row kernels (D 7)", t5(2, 9, 9, 3, 7, false)],
      ["blocked (D 8)", t5(2, 9, 9, 3, 8, false)],
      ["blocked, causal (D 16)", t5(2, 45, 45, 2, 16, true)],
    ] as [string, AttentionShape][])(
      "attentionBackward(step, …) with a bias but no bias gradient (a frozen T5 bias) matches the naive kernel: %s",
      async (_, shape) => {
        const { step, dOut, grads } = attentionCase(["", shape, "padded", true]);
        const want = grads.map((x) => x.slice());
        naiveAttentionBackward(step, dOut, want[0], want[1], want[2], null);
        const g = grads.map((x) => x.slice());
        await b.attentionBackward(step, dOut, g[0], g[1], g[2], null);
        for (const [i, name] of ["dq", "dk", "dv"].entries()) {
          const w = worstRatio(g[i], want[i], bound(want[i], epsilon, shape));
          expect(w.ratio, `${name} at ${w.index}`).toBeLessThanOrEqual(1);
        }
      },
    );

    it("attentionForward() rejects a KV that does not divide H and short buffers, naming them", async () => {
      const { step, out } = attentionCase(attentionCases[0]);
      await expect(async () => b.attentionForward({ ...step, KV: 3 }, out)).rejects.toThrow(
        /attentionForward\(\): KV must divide H \(4\), got 3/,
      );
      await expect(async () =>
        b.attentionBackward(step, out, out, step.k.subarray(1), step.v, null),
      ).rejects.toThrow(/attentionBackward\(\): dk must hold at least 340 floats/);
    });
  });
});
