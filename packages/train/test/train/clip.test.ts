import { expect, it } from "vitest";
import { clipGradNorm } from "../../src/train/clip.js";

it("clipGradNorm(...) returns the joint norm and scales gradients down to maxNorm", () => {
  const a = Float32Array.from([3, 0]);
  const b = Float32Array.from([0, 4]);
  expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
  expect(Math.hypot(a[0], b[1])).toBeCloseTo(1, 5);
});

it("clipGradNorm(...) leaves gradients under maxNorm untouched and reports NaN", () => {
  const a = Float32Array.from([0.3, 0.4]);
  expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 6);
  expect(Array.from(a)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
  expect(clipGradNorm([Float32Array.from([Number.NaN])], 1)).toBeNaN();
});
