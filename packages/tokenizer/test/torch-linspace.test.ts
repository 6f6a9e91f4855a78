import { describe, expect, it } from "vitest";
import { fma32, linspaceFloat32, nextFloat32 } from "../src/torch-linspace.js";
import { fixtures } from "./chronos-fixtures.js";

describe("linspaceFloat32", () => {
  it("linspaceFloat32(low, high, n) equals torch.linspace on the fixtures' configs", () => {
    for (const f of fixtures) {
      const { low, high, nTokens, nSpecialTokens } = f.options;
      expect(linspaceFloat32(low!, high!, nTokens! - nSpecialTokens! - 1)).toEqual(f.centers);
    }
  });

  it("linspaceFloat32(a, b, 1) is [a] and the ends are exact", () => {
    expect(Array.from(linspaceFloat32(0.1, 5, 1))).toEqual([Math.fround(0.1)]);
    const x = linspaceFloat32(-7.3, 12.1, 101);
    expect([x[0], x[100]]).toEqual([Math.fround(-7.3), Math.fround(12.1)]);
  });
});

describe("fma32", () => {
  it("fma32(a, b, c) rounds a * b + c once, where rounding the double sum would tie wrongly", () => {
    // a * 4097 = 2^16 + 2^-20, so a * b + 2^40 is just above the midpoint 2^40 + 2^16; the
    // double sum drops the 2^-20 and a tie to even would give 2^40.
    const a = (2 ** 24 - 4095) * 2 ** -20;
    expect(Math.fround(a)).toBe(a);
    expect(Math.fround(a * 4097 + 2 ** 40)).toBe(2 ** 40);
    expect(fma32(a, 4097, 2 ** 40)).toBe(2 ** 40 + 2 ** 17);
    // Below a midpoint whose even neighbour is above: 2^40 + 3 * 2^16 - 2^-20.
    expect(fma32(-a, 4097, 2 ** 40 + 2 ** 18)).toBe(2 ** 40 + 2 ** 17);
    expect(fma32(0.5, 3, 1)).toBe(2.5);
  });

  it("nextFloat32(x, toward) steps one float32 either way, through zero and negatives", () => {
    expect(nextFloat32(1, 2)).toBe(1 + 2 ** -23);
    expect(nextFloat32(1, 0)).toBe(1 - 2 ** -24);
    expect(nextFloat32(-1, 0)).toBe(-1 + 2 ** -24);
    expect(nextFloat32(0, -1)).toBe(-(2 ** -149));
    expect(nextFloat32(3, 3)).toBe(3);
  });
});
