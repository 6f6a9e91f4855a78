import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { intermittent } from "../../src/pretrain/intermittent.js";

it("intermittent(rng, length, { zeroFraction }) has that fraction of zeros and positive demands", () => {
  for (const zeroFraction of [0.3, 0.7, 0.95]) {
    for (let s = 0; s < 5; s++) {
      const x = intermittent(new Random(s), 4000, { zeroFraction });
      const zeros = x.filter((v) => v === 0).length / x.length;
      expect(Math.abs(zeros - zeroFraction)).toBeLessThan(0.03);
      expect(x.every((v) => v === 0 || v >= 1)).toBe(true);
    }
  }
});

it("intermittent(rng, length) is deterministic, finite and mostly zero by default", () => {
  const a = intermittent(new Random(2), 500);
  expect(a).toHaveLength(500);
  expect(Array.from(a)).toEqual(Array.from(intermittent(new Random(2), 500)));
  for (let s = 0; s < 20; s++) {
    const x = intermittent(new Random(s), 1000);
    expect(x.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const zeros = x.filter((v) => v === 0).length / x.length;
    expect(zeros).toBeGreaterThan(0.25);
    expect(zeros).toBeLessThan(0.97);
  }
  expect(() => intermittent(new Random(1), 10, { zeroFraction: 1 })).toThrow(
    "intermittent(): zeroFraction must be in [0, 1), got 1",
  );
});
