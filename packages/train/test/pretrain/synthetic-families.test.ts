import { Random } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_FAMILY_WEIGHTS,
  DEFAULT_FREQUENCY_WEIGHTS,
  drawFamily,
  type FamilyMix,
  SYNTHETIC_FAMILIES,
} from "../../src/pretrain/synthetic-families.js";

const mix: FamilyMix = { families: DEFAULT_FAMILY_WEIGHTS, frequencies: DEFAULT_FREQUENCY_WEIGHTS };

describe("drawFamily", () => {
  it.each(SYNTHETIC_FAMILIES)(
    "drawFamily(rng, %s, length, mix) is deterministic, of the length asked and finite",
    (family) => {
      for (let s = 0; s < 10; s++) {
        const a = drawFamily(new Random(s), family, 200, mix);
        const b = drawFamily(new Random(s), family, 200, mix);
        expect(a.series).toHaveLength(200);
        expect(Array.from(a.series)).toEqual(Array.from(b.series));
        expect(a.series.every(Number.isFinite)).toBe(true);
        if (a.nonNegative) expect(a.series.every((v) => v >= 0)).toBe(true);
      }
    },
  );

  it("drawFamily(rng, 'mixup', length, mix) mixes only families the mix weighs", () => {
    const onlyPrices: FamilyMix = {
      families: { price: 1, intermittent: 1, mixup: 1 },
      frequencies: {},
    };
    for (let s = 0; s < 10; s++) {
      const d = drawFamily(new Random(s), "mixup", 100, onlyPrices);
      expect(d.nonNegative).toBe(true);
      expect(d.series.every((v) => v >= 0)).toBe(true);
    }
  });
});
