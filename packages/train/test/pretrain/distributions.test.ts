import { Random } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { dirichlet, gamma, poisson, studentT } from "../../src/pretrain/distributions.js";

const moments = (draw: () => number, n = 20000) => {
  const xs = Array.from({ length: n }, draw);
  const m = xs.reduce((a, b) => a + b, 0) / n;
  return { xs, mean: m, variance: xs.reduce((a, b) => a + (b - m) ** 2, 0) / n };
};

describe("distributions", () => {
  it("gamma(rng, shape) has mean and variance shape, below 1 too", () => {
    for (const shape of [0.5, 1.5, 4]) {
      const rng = new Random(11);
      const { xs, mean, variance } = moments(() => gamma(rng, shape));
      expect(xs.every((x) => x > 0)).toBe(true);
      expect(Math.abs(mean - shape) / shape).toBeLessThan(0.03);
      expect(Math.abs(variance - shape) / shape).toBeLessThan(0.08);
    }
    expect(() => gamma(new Random(1), 0)).toThrow(/gamma\(\): shape must be positive, got 0/);
  });

  it("dirichlet(rng, k, alpha) sums to 1 with mean 1/k each", () => {
    const rng = new Random(2);
    const sums = [0, 0, 0];
    for (let i = 0; i < 5000; i++) {
      const w = dirichlet(rng, 3, 1.5);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      w.forEach((v, j) => {
        expect(v).toBeGreaterThanOrEqual(0);
        sums[j] += v / 5000;
      });
    }
    for (const s of sums) expect(Math.abs(s - 1 / 3)).toBeLessThan(0.01);
    expect(() => dirichlet(rng, 0, 1)).toThrow(/k must be a positive integer, got 0/);
  });

  it("poisson(rng, lambda) has mean and variance lambda", () => {
    for (const lambda of [0.02, 3, 50]) {
      const rng = new Random(5);
      const { xs, mean, variance } = moments(() => poisson(rng, lambda));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.1);
      expect(Math.abs(variance - lambda) / lambda).toBeLessThan(0.15);
    }
    expect(poisson(new Random(1), 0)).toBe(0);
  });

  it("studentT(rng, dof) has unit variance and heavier tails than a normal", () => {
    const rng = new Random(8);
    const { xs, mean, variance } = moments(() => studentT(rng, 6), 40000);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
    const beyond3 = xs.filter((x) => Math.abs(x) > 3).length / xs.length;
    expect(beyond3).toBeGreaterThan(0.0027 * 1.5); // a normal puts 0.27% beyond 3σ
    expect(() => studentT(rng, 2)).toThrow(/dof must be greater than 2, got 2/);
  });
});
