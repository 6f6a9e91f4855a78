import { Random } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { pricePath } from "../../src/pretrain/price-path.js";
import { autocorrelation, mean } from "../helpers/series-stats.js";

const logReturns = (p: Float64Array) =>
  Float64Array.from({ length: p.length - 1 }, (_, i) => Math.log(p[i + 1] / p[i]));

describe("pricePath", () => {
  it("pricePath(rng, length) is deterministic, of the length asked and positive", () => {
    const a = pricePath(new Random(1), 1260);
    expect(a).toHaveLength(1260);
    expect(Array.from(a)).toEqual(Array.from(pricePath(new Random(1), 1260)));
    for (let s = 0; s < 50; s++) {
      const p = pricePath(new Random(s), 2000);
      expect(p.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
  });

  it("pricePath(rng, length) has uncorrelated returns whose squares are autocorrelated (volatility clustering)", () => {
    let squares = 0;
    let shuffled = 0;
    let plain = 0;
    const seeds = 20;
    for (let s = 0; s < seeds; s++) {
      const r = logReturns(pricePath(new Random(s), 4000, { jumpRate: 0 }));
      const r2 = r.map((v) => v * v);
      // an i.i.d. reference: the same squares in a seeded random order
      const rng = new Random(1000 + s);
      const perm = Float64Array.from(r2);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      for (let lag = 1; lag <= 5; lag++) {
        squares += autocorrelation(r2, lag) / (5 * seeds);
        shuffled += autocorrelation(perm, lag) / (5 * seeds);
        plain += autocorrelation(r, lag) / (5 * seeds);
      }
    }
    expect(squares).toBeGreaterThan(0.08);
    expect(Math.abs(shuffled)).toBeLessThan(0.01);
    expect(Math.abs(plain)).toBeLessThan(0.02);
  });

  it("pricePath(rng, length, { jumpRate }) adds compound-Poisson jumps to the returns' variance", () => {
    const options = { alpha: 0.05, beta: 0.9 };
    const meanSquare = (seed: number, jumpRate: number) =>
      mean(
        logReturns(pricePath(new Random(seed), 1000, { ...options, jumpRate })).map((r) => r * r),
      );
    let added = 0;
    for (let s = 0; s < 30; s++) added += (meanSquare(s, 0.2) - meanSquare(s, 0)) / 30;
    // 0.2 jumps a step of N(μ, σ²), μ ~ N(0, 0.02²), σ ~ U(2%, 8%): E = 0.2 (0.02² + 0.0028) = 6.4e-4
    expect(added).toBeGreaterThan(3e-4);
    expect(added).toBeLessThan(1.2e-3);
  });

  it("pricePath(rng, length, options) rejects a non-stationary GARCH", () => {
    expect(() => pricePath(new Random(1), 10, { alpha: 0.3, beta: 0.8 })).toThrow(
      "pricePath(): alpha and beta must be non-negative with alpha + beta < 1, got 0.3 and 0.8",
    );
  });
});
