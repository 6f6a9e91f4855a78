import { describe, expect, it } from "vitest";
import { mixSeed, Random } from "../src/random";

describe("Random", () => {
  it("nextUint32() follows the published mulberry32 sequence", () => {
    // First outputs of mulberry32 for seed 1, from the reference C implementation compiled with gcc.
    const rng = new Random(1);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([
      2693262067, 11749833, 2265367787,
    ]);
  });

  it("uniform() is deterministic for a seed and covers [0, 1) evenly", () => {
    const a = new Random(7);
    const b = new Random(7);
    const values = Array.from({ length: 10000 }, () => a.uniform());
    expect(values.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.uniform()));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it("normal() has mean 0 and variance 1", () => {
    const rng = new Random(3);
    const values = Array.from({ length: 20000 }, () => rng.normal());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("Random(seed) rejects a non-integer seed", () => {
    expect(() => new Random(0.5)).toThrow("Random(): seed must be an integer, got 0.5");
  });

  it("state() and Random.fromState(state) continue the same stream", () => {
    const rng = new Random(11);
    for (let i = 0; i < 5; i++) rng.nextUint32();
    const resumed = Random.fromState(rng.state());
    expect(Array.from({ length: 4 }, () => resumed.uniform())).toEqual(
      Array.from({ length: 4 }, () => rng.uniform()),
    );
    expect(new Random(-1).state()).toBe(0xffffffff); // a seed is taken modulo 2^32
  });

  it("Random.fromState(state) rejects what state() never returns, naming it", () => {
    expect(() => Random.fromState([1, 2, 3, 4] as never)).toThrow(
      "Random.fromState(): state must be an unsigned 32-bit integer from state(), got [1,2,3,4]",
    );
    expect(() => Random.fromState(-1)).toThrow("got -1");
  });

  it("int(n) draws every integer in [0, n) and nothing else", () => {
    const rng = new Random(5);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[rng.int(6)]++;
    expect(counts.every((c) => c > 900 && c < 1100)).toBe(true);
  });

  it("mixSeed(seed, step) gives different seeds for different steps", () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, step) => mixSeed(42, step)));
    expect(seeds.size).toBe(1000);
  });
});
