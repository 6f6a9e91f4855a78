import { describe, expect, it } from "vitest";
import { batches } from "../src/batches.js";
import { windows } from "../src/windows.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("batches", () => {
  it("batches(items) keeps order and leaves a short last batch unless dropLast", () => {
    expect([...batches(range(7), { batchSize: 3 })]).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect([...batches(range(7), { batchSize: 3, dropLast: true })]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect([...batches(new Set([5, 6]), { batchSize: 4 })]).toEqual([[5, 6]]);
    expect([...batches([], { batchSize: 2 })]).toEqual([]);
  });

  it("batches(items, { shuffle, seed }) is a permutation, the same for the same seed", () => {
    const a = [...batches(range(100), { batchSize: 8, shuffle: true, seed: 7 })];
    const b = [...batches(range(100), { batchSize: 8, shuffle: true, seed: 7 })];
    const c = [...batches(range(100), { batchSize: 8, shuffle: true, seed: 8 })];
    expect(a).toEqual(b);
    expect(a.flat()).not.toEqual(c.flat());
    expect(a.flat()).not.toEqual(range(100));
    expect([...a.flat()].sort((x, y) => x - y)).toEqual(range(100));
    expect(a.map((batch) => batch.length)).toEqual([...new Array(12).fill(8), 4]);
  });

  it("batches(items, { shuffle }) draws every permutation equally often (chi-square)", () => {
    // 4 items: 24 permutations; 24 000 seeds. A biased Fisher–Yates (e.g. j in [0, n)) fails this.
    const counts = new Map<string, number>();
    const draws = 24_000;
    for (let seed = 0; seed < draws; seed++) {
      const [order] = batches(range(4), { batchSize: 4, shuffle: true, seed });
      const key = order.join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const expected = draws / 24;
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(49.73); // 23 degrees of freedom, p = 0.001
  });

  it("batches(windowSequence) reads windows by index without materialising the rest", () => {
    const seq = windows(new Float32Array(1000), { contextLength: 10, predictionLength: 2 });
    let reads = 0;
    const at = (i: number) => {
      reads++;
      return seq.at(i);
    };
    const counted = { length: seq.length, at };
    const it = batches(counted, { batchSize: 4, shuffle: true, seed: 1 });
    const first = it.next().value as ReturnType<typeof seq.at>[];
    expect(first.length).toBe(4);
    expect(reads).toBe(4);
    expect(first[0].context.length).toBe(10);
  });

  it("batches(items) rejects bad options at the call, naming them", () => {
    expect(() => batches(range(3), { batchSize: 0 })).toThrow(
      new RangeError("batches(): batchSize must be a positive integer, got 0"),
    );
    expect(() => batches(range(3), { batchSize: 2, seed: 1.5 })).toThrow(
      new RangeError("batches(): seed must be an integer, got 1.5"),
    );
    expect(() => batches(range(3), { batchSize: 2, shuffle: "yes" as never })).toThrow(
      new TypeError('batches(): shuffle must be a boolean, got "yes"'),
    );
    expect(() => batches(42 as never, { batchSize: 2 })).toThrow(
      "batches(): items must be an array or an iterable, got 42",
    );
    expect(() => batches(range(3), { batchSize: 2, drop: true } as never)).toThrow(
      /unknown option "drop"; valid options: batchSize, shuffle, seed, dropLast/,
    );
  });
});
