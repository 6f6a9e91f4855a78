import { expect, it } from "vitest";
import {
  DEFAULT_FAMILY_WEIGHTS,
  KAIROS_TINY_FAMILY_WEIGHTS,
} from "../../src/pretrain/synthetic-families.js";
import { syntheticSeries } from "../../src/pretrain/synthetic-series.js";

const take = (it: Generator<Float64Array>, n: number) =>
  Array.from({ length: n }, () => it.next().value as Float64Array);

it("syntheticSeries(...) is deterministic for a seed and varies in length and scale", () => {
  const xs = take(syntheticSeries({ seed: 3 }), 40);
  const ys = take(syntheticSeries({ seed: 3 }), 40);
  expect(xs.map((x) => Array.from(x))).toEqual(ys.map((y) => Array.from(y)));
  expect(new Set(xs.map((x) => x.length))).toEqual(new Set([128, 192, 256]));
  const scales = xs.map((x) => Math.max(...x.map(Math.abs)));
  expect(Math.max(...scales) / Math.min(...scales)).toBeGreaterThan(10);
  for (const x of xs) expect(x.every(Number.isFinite)).toBe(true);
});

it("syntheticSeries({ families: KAIROS_TINY_FAMILY_WEIGHTS }) reproduces kairos-base-tiny's stream", () => {
  // values of syntheticSeries({ seed: 3 }) before the richer families (main at 54b1916)
  const xs = take(syntheticSeries({ seed: 3, families: KAIROS_TINY_FAMILY_WEIGHTS }), 4);
  const summary = xs.map((x) => [x.length, x[0], x[x.length - 1]]);
  expect(summary).toEqual(LEGACY_SUMMARY);
});

it("syntheticSeries({ families, lengths }) draws only the families and lengths given", () => {
  const prices = take(syntheticSeries({ seed: 1, families: { price: 1 }, lengths: [300] }), 20);
  for (const p of prices) {
    expect(p).toHaveLength(300);
    expect(p.every((v) => v > 0)).toBe(true); // no random offset on a non-negative family
  }
  const demand = take(syntheticSeries({ seed: 1, families: { intermittent: 1 } }), 20);
  for (const d of demand) expect(d.some((v) => v === 0) && d.every((v) => v >= 0)).toBe(true);
});

it("syntheticSeries(...) keeps every default family finite over many draws", () => {
  const it_ = syntheticSeries({ seed: 11, lengths: [64, 320] });
  for (let i = 0; i < 200; i++)
    expect((it_.next().value as Float64Array).every(Number.isFinite)).toBe(true);
  expect(Object.values(DEFAULT_FAMILY_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
});

it("syntheticSeries(...) names a bad option", () => {
  expect(() => syntheticSeries({ seed: 1, families: { gp: 1 } as never }).next()).toThrow(
    /syntheticSeries\(\): unknown families option "gp"; valid: kernelSynth, calendar/,
  );
  expect(() => syntheticSeries({ seed: 1, frequencies: { D: -1 } }).next()).toThrow(
    "syntheticSeries(): frequencies.D must be a finite number ≥ 0, got -1",
  );
  expect(() => syntheticSeries({ seed: 1, lengths: [0] }).next()).toThrow(
    "syntheticSeries(): lengths must be a non-empty array of positive integers, got [0]",
  );
});

const LEGACY_SUMMARY = [
  [256, -467.3189181820023, -468.7552901353071],
  [128, 0.0062657608550829, 0.023395137435923724],
  [128, 3.6469417837538387, 2.9364877186987663],
  [256, -1.889309624497096, -7.0987898856196345],
];
