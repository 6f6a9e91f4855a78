import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { ar1Noise } from "../../src/pretrain/ar1-noise.js";
import { autocorrelation, mean } from "../helpers/series-stats.js";

it("ar1Noise(rng, length, phi, sigma) has marginal std sigma and lag-1 autocorrelation phi", () => {
  const x = ar1Noise(new Random(3), 20000, 0.7, 0.5);
  expect(x).toHaveLength(20000);
  const sd = Math.sqrt(mean(x.map((v) => v * v)));
  expect(Math.abs(sd - 0.5)).toBeLessThan(0.03);
  expect(Math.abs(autocorrelation(x, 1) - 0.7)).toBeLessThan(0.03);
  expect(Array.from(ar1Noise(new Random(3), 5, 0.7, 0.5))).toEqual(Array.from(x.subarray(0, 5)));
  expect(() => ar1Noise(new Random(3), 5, 1, 1)).toThrow(/phi must be in \(-1, 1\), got 1/);
});
