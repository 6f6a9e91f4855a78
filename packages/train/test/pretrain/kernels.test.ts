import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import {
  periodic,
  rationalQuadratic,
  rbf,
  sampleGaussianProcess,
} from "../../src/pretrain/kernels.js";

it("rbf/periodic/rationalQuadratic(...) follow scikit-learn's formulas", () => {
  expect(rbf(0.5)(0.1, 0.6)).toBeCloseTo(Math.exp(-0.25 / 0.5), 12);
  expect(periodic(0.25, 1)(0, 0.25)).toBeCloseTo(1, 12); // one full period apart
  expect(periodic(0.25, 1)(0, 0.125)).toBeCloseTo(Math.exp(-2), 12);
  expect(rationalQuadratic(2, 1)(0, 1)).toBeCloseTo((1 + 1 / 4) ** -2, 12);
});

it("sampleGaussianProcess(...) draws with the kernel's covariance", () => {
  const rng = new Random(5);
  const k = rbf(0.4);
  const n = 4;
  const draws = 6000;
  const cov = new Float64Array(n * n);
  for (let d = 0; d < draws; d++) {
    const x = sampleGaussianProcess(rng, k, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cov[i * n + j] += (x[i] * x[j]) / draws;
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      expect(Math.abs(cov[i * n + j] - k(i / 3, j / 3))).toBeLessThan(0.06);
});
