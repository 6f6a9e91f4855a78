import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { sampleToken } from "../../src/forecast/sample-token.js";

const logits = Float32Array.from([9, 0, Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
const draw = (o: { temperature: number; topK: number; topP: number }, n: number) => {
  const rng = new Random(3);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < n; i++)
    counts[
      sampleToken(logits, { ...o, firstId: 2 }, rng, new Float64Array(5), new Int32Array(5))
    ]++;
  return counts.map((c) => c / n);
};

it("sampleToken(...) never draws ids below firstId and follows softmax frequencies", () => {
  const f = draw({ temperature: 1, topK: 0, topP: 1 }, 20000);
  expect(f[0] + f[1]).toBe(0);
  expect(f[2]).toBeCloseTo(0.5, 1);
  expect(f[3]).toBeCloseTo(0.3, 1);
  expect(f[4]).toBeCloseTo(0.2, 1);
});

it("sampleToken(...) with temperature 2 flattens to p^(1/2) normalised", () => {
  const f = draw({ temperature: 2, topK: 0, topP: 1 }, 20000);
  const z = Math.sqrt(0.5) + Math.sqrt(0.3) + Math.sqrt(0.2);
  expect(f[4]).toBeCloseTo(Math.sqrt(0.2) / z, 1);
});

it("sampleToken(...) with topK 1 is greedy and topP 0.6 drops the tail", () => {
  expect(draw({ temperature: 1, topK: 1, topP: 1 }, 200)[2]).toBe(1);
  const f = draw({ temperature: 1, topK: 0, topP: 0.6 }, 5000);
  expect(f[4]).toBe(0);
  expect(f[2]).toBeCloseTo(0.5 / 0.8, 1);
});

it("sampleToken(...) with top-k draws exactly as over the fully sorted vocabulary, ties included", () => {
  // The top-k path selects without sorting everything; with topK = V it sorts: same ids, same order.
  const rng = new Random(11);
  for (let trial = 0; trial < 200; trial++) {
    const V = 2 + 1 + rng.int(300);
    // Few distinct values, so ties are everywhere (a tie keeps the lower id first).
    const values = Float32Array.from({ length: V }, () => rng.int(7) - 3);
    const topK = 1 + rng.int(Math.min(60, V - 2));
    const o = { temperature: 0.7, topP: trial % 2 ? 0.8 : 1, firstId: 2 };
    const seed = rng.int(1e6);
    const fast = sampleToken(
      values,
      { ...o, topK },
      new Random(seed),
      new Float64Array(V),
      new Int32Array(V),
    );
    // The reference: every id sorted (topK 0), then the first topK of them by hand.
    const ids = Array.from({ length: V - 2 }, (_, i) => i + 2).sort(
      (a, b) => values[b] - values[a],
    );
    const kept = Float32Array.from({ length: V }, (_, v) =>
      ids.indexOf(v) < topK ? values[v] : -Infinity,
    );
    const slow = sampleToken(
      kept,
      { ...o, topK: 0 },
      new Random(seed),
      new Float64Array(V),
      new Int32Array(V),
    );
    expect(fast, `trial ${trial}`).toBe(slow);
  }
});
