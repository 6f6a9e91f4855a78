import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { meanAbs, meanAbsScratch } from "../src/torch-nansum.js";

const { longSums } = JSON.parse(
  readFileSync(new URL("./fixtures/chronos_fixtures.json", import.meta.url), "utf8"),
) as { longSums: { length: number; scale: number }[] };

/** The series make_chronos_fixtures.py describes: exact in float32, NaN where i % 1000 is 7. */
function hashSeries(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i % 1000 === 7 ? Number.NaN : (Math.imul(i, 2654435761) >>> 8) * 2 ** -20 - 8;
  }
  return x;
}

describe("meanAbs", () => {
  it.each(longSums.map((s) => [s.length, s]))(
    "meanAbs(x) equals torch's float32 nansum order for %d values (upper cascade levels)",
    (_, s) => {
      expect(meanAbs(hashSeries(s.length), meanAbsScratch())).toBe(Math.fround(s.scale));
    },
    20_000,
  );

  it("meanAbs(x) is NaN with nothing observed, and skips NaN", () => {
    const acc = meanAbsScratch();
    expect(meanAbs(new Float32Array(0), acc)).toBeNaN();
    expect(meanAbs(Float32Array.of(Number.NaN, Number.NaN), acc)).toBeNaN();
    expect(meanAbs(Float32Array.of(-2, Number.NaN, 4), acc)).toBe(3);
  });

  it("meanAbs(x) differs from a float64 sum rounded once, as torch does, on some rows", () => {
    // The point of emulating torch's order: a correctly rounded mean is not what Chronos sees.
    const acc = meanAbsScratch();
    let differ = 0;
    for (let r = 0; r < 200; r++) {
      const x = Float32Array.from({ length: 512 }, (_, i) => Math.sin(r * 1000 + i) * (r + 1));
      let sum = 0;
      for (const v of x) sum += Math.abs(v);
      if (meanAbs(x, acc) !== Math.fround(Math.fround(sum) / 512)) differ++;
    }
    expect(differ).toBeGreaterThan(10);
  });
});
