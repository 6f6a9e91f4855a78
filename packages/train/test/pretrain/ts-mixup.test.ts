import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { pricePath } from "../../src/pretrain/price-path.js";
import { randomWalk } from "../../src/pretrain/random-walk.js";
import { tsMixup } from "../../src/pretrain/ts-mixup.js";

const meanScaled = (x: Float64Array) => {
  const m = x.reduce((a, v) => a + Math.abs(v), 0) / x.length;
  return x.map((v) => v / m);
};

it("tsMixup(rng, components) is a convex combination of the mean-scaled components", () => {
  const rng = new Random(3);
  const parts = [
    randomWalk(rng, 256),
    pricePath(rng, 256),
    randomWalk(rng, 256).map((v) => v * 1e4),
  ];
  const scaled = parts.map(meanScaled);
  const x = tsMixup(new Random(9), parts);
  expect(x).toHaveLength(256);
  expect(Array.from(x)).toEqual(Array.from(tsMixup(new Random(9), parts)));
  for (let i = 0; i < 256; i++) {
    const values = scaled.map((s) => s[i]);
    expect(x[i]).toBeGreaterThanOrEqual(Math.min(...values) - 1e-12);
    expect(x[i]).toBeLessThanOrEqual(Math.max(...values) + 1e-12);
  }
});

it("tsMixup(rng, [x]) is x mean-scaled, and rejects mismatched lengths", () => {
  const x = randomWalk(new Random(1), 64);
  const mixed = tsMixup(new Random(2), [x]);
  for (const [i, v] of meanScaled(x).entries()) expect(mixed[i]).toBeCloseTo(v, 12);
  expect(() => tsMixup(new Random(2), [x, new Float64Array(3)])).toThrow(
    "tsMixup(): components[1] must have length 64 like components[0], got 3",
  );
});
