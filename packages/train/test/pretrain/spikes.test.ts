import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import { spikes } from "../../src/pretrain/spikes.js";

const median = (x: ArrayLike<number>) => {
  const s = Array.from(x).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

it("spikes(rng, length, { rate }) puts about rate × length points beyond 4 robust deviations", () => {
  for (let s = 0; s < 10; s++) {
    const x = spikes(new Random(s), 5000, { rate: 0.02 });
    const m = median(x);
    const mad = 1.4826 * median(x.map((v) => Math.abs(v - m)));
    const outliers = x.filter((v) => Math.abs(v - m) > 4 * mad).length;
    expect(outliers).toBeGreaterThan(100 * 0.7);
    expect(outliers).toBeLessThan(100 * 1.3);
  }
});

it("spikes(rng, length) is deterministic, of the length asked and finite", () => {
  const a = spikes(new Random(5), 256);
  expect(a).toHaveLength(256);
  expect(Array.from(a)).toEqual(Array.from(spikes(new Random(5), 256)));
  expect(a.every(Number.isFinite)).toBe(true);
  expect(() => spikes(new Random(1), 10, { rate: 2 })).toThrow(
    "spikes(): rate must be in [0, 1], got 2",
  );
});
