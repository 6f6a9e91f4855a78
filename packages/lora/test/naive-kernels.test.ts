// The naive kernels are the yardstick for every backend, so they are checked against values
// worked out by hand.
import { describe, expect, it } from "vitest";
import {
  naiveAddBias,
  naiveAxpy,
  naiveMatmul,
  naiveMul,
  naiveScale,
  naiveSumRows,
} from "../src/naive-kernels";

const f32 = (values: number[]) => Float32Array.from(values);
// a = [[1, 2, 3], [4, 5, 6]] (2×3); b = [[7, 8], [9, 10], [11, 12]] (3×2); a·b = [[58, 64], [139, 154]]
const a = f32([1, 2, 3, 4, 5, 6]);
const aT = f32([1, 4, 2, 5, 3, 6]);
const b = f32([7, 8, 9, 10, 11, 12]);
const bT = f32([7, 9, 11, 8, 10, 12]);

describe("naiveMatmul", () => {
  it.each([
    { transposeA: false, transposeB: false, x: a, y: b },
    { transposeA: true, transposeB: false, x: aT, y: b },
    { transposeA: false, transposeB: true, x: a, y: bT },
    { transposeA: true, transposeB: true, x: aT, y: bT },
  ])(
    "naiveMatmul(a, b, out, shape) with transposeA=$transposeA transposeB=$transposeB",
    ({ x, y, ...flags }) => {
      const out = new Float32Array(4);
      naiveMatmul(x, y, out, { m: 2, n: 2, k: 3, ...flags });
      expect(Array.from(out)).toEqual([58, 64, 139, 154]);
    },
  );

  it("naiveMatmul(a, b, out, { accumulate, alpha }) adds alpha times the product", () => {
    const out = f32([1, 1, 1, 1]);
    naiveMatmul(a, b, out, { m: 2, n: 2, k: 3, accumulate: true, alpha: 0.5 });
    expect(Array.from(out)).toEqual([30, 33, 70.5, 78]);
  });
});

describe("elementwise kernels", () => {
  it("naiveAddBias(x, bias, 2, 3) adds the bias to each row", () => {
    const x = a.slice();
    naiveAddBias(x, f32([10, 20, 30]), 2, 3);
    expect(Array.from(x)).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it("naiveSumRows(x, 2, 3, out, accumulate) sums the columns", () => {
    const out = f32([1, 1, 1]);
    naiveSumRows(a, 2, 3, out, true);
    expect(Array.from(out)).toEqual([6, 8, 10]);
    naiveSumRows(a, 2, 3, out);
    expect(Array.from(out)).toEqual([5, 7, 9]);
  });

  it("naiveAxpy, naiveMul and naiveScale work elementwise", () => {
    const y = f32([1, 2, 3]);
    naiveAxpy(2, f32([1, 1, 1]), y);
    expect(Array.from(y)).toEqual([3, 4, 5]);
    naiveMul(y, f32([2, 0, -1]), y);
    expect(Array.from(y)).toEqual([6, 0, -5]);
    naiveScale(y, -0.5, y);
    expect(Array.from(y)).toEqual([-3, -0, 2.5]);
  });
});
