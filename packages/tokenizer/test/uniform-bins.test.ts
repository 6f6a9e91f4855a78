import { describe, expect, it } from "vitest";
import { nextFloat32 } from "../src/torch-linspace.js";
import { bucketizeRight, tokenizeInto, uniformBins } from "../src/uniform-bins.js";

/** Runs the fast kernel on `values` with scale 1 and returns the buckets (ids with firstId 0). */
function fast(bins: ReturnType<typeof uniformBins>, values: number[]): number[] {
  const x = Float32Array.from(values);
  const ids = new Int32Array(x.length);
  tokenizeInto(bins, x, 1, 0, 1 << 30, -1, ids, new Uint8Array(x.length), 0);
  return Array.from(ids);
}

describe("tokenizeInto", () => {
  it.each([
    [-15, 15, 4093],
    [-7.3, 12.1, 996],
    [0, 1, 3],
    [-1000, 3, 65533],
    [123.4, 123.5, 200],
  ])(
    "tokenizeInto(bins(%d, %d, %d)) equals the binary search at every boundary and its float32 neighbours",
    (low, high, n) => {
      const bins = uniformBins(low, high, n);
      expect(bins.uniform).toBe(true);
      const b = bins.boundaries;
      const values: number[] = [];
      for (let j = 0; j < b.length; j++) {
        values.push(b[j], nextFloat32(b[j], -Infinity), nextFloat32(b[j], Infinity));
      }
      const c = bins.centers;
      for (let j = 0; j < c.length; j++) values.push(c[j]);
      values.push(-3e38, 3e38, -1e21, 1e21, 0, -0, low - 1, high + 1);
      // Compare as typed arrays and report mismatches: deep-equal on ~260k numbers is slow.
      const got = fast(bins, values);
      const mismatches = values
        .map((y, i) => [y, got[i], bucketizeRight(Math.fround(y), b)])
        .filter(([, g, want]) => g !== want);
      expect(mismatches.slice(0, 5)).toEqual([]);
    },
  );

  it("tokenizeInto(x) equals the binary search on random values over many scales", () => {
    const bins = uniformBins(-15, 15, 4093);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const values = Array.from({ length: 20000 }, () => (random() - 0.5) * 10 ** (random() * 6 - 1));
    expect(fast(bins, values)).toEqual(
      values.map((y) => bucketizeRight(Math.fround(y), bins.boundaries)),
    );
  });

  it("uniformBins(low, high, n) marks bins finer than float32 as not uniform", () => {
    expect(uniformBins(1e6 - 0.5, 1e6 + 0.5, 4093).uniform).toBe(false);
  });

  it("tokenizeInto(x) writes PAD and mask 0 for NaN, and clamps to lastId as torch does", () => {
    const bins = uniformBins(-15, 15, 4093);
    const ids = new Int32Array(4);
    const mask = new Uint8Array(4);
    const x = Float32Array.of(Number.NaN, 1e30, -1e19, -1e30);
    tokenizeInto(bins, x, 1, 2, 4095, 0, ids, mask, 0);
    // Below -1e20 no boundary is <= y: bucket 0, id 2, which only decode's clamp reaches.
    expect(Array.from(ids)).toEqual([0, 4095, 3, 2]);
    expect(Array.from(mask)).toEqual([0, 1, 1, 1]);
  });
});

describe("bucketizeRight", () => {
  it("bucketizeRight(y, boundaries) counts the boundaries <= y", () => {
    const b = Float32Array.of(-1, 0, 0, 2);
    expect([-2, -1, -0.5, 0, 1, 2, 3].map((y) => bucketizeRight(y, b))).toEqual([
      0, 1, 1, 3, 3, 4, 4,
    ]);
  });
});
