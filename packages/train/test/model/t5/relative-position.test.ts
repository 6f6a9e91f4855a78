import { describe, expect, it } from "vitest";
import {
  positionBuckets,
  relativePositionBucket,
} from "../../../src/model/t5/relative-position.js";

// Expected buckets worked out by hand from `T5Attention._relative_position_bucket`:
// bidirectional, 32 buckets, max distance 128 → 16 a direction, exact below 8, then
// 8 + ⌊log(|rp|/8) / log(16) · 8⌋ capped at 15; the future adds 16.
describe("relativePositionBucket", () => {
  it("relativePositionBucket(rp, true, 32, 128) follows the encoder's bidirectional formula", () => {
    const cases: [number, number][] = [
      [0, 0],
      [-3, 3],
      [3, 19],
      [-7, 7],
      [-8, 8], // log(1) = 0
      [-16, 10], // log 2 / log 16 · 8 = 2
      [-20, 10], // 2.64
      [-64, 14], // log 8 / log 16 · 8 = 6
      [-128, 15], // 16, capped
      [-1000, 15],
      [16, 26],
      [1000, 31],
    ];
    for (const [rp, bucket] of cases)
      expect(relativePositionBucket(rp, true, 32, 128), `rp ${rp}`).toBe(bucket);
  });

  it("relativePositionBucket(rp, false, 32, 128) puts the future in bucket 0 (the decoder's causal formula)", () => {
    const cases: [number, number][] = [
      [5, 0],
      [0, 0],
      [-5, 5],
      [-15, 15],
      [-16, 16], // log(1) = 0
      [-32, 21], // log 2 / log 8 · 16 = 5.33
      [-100, 30], // 14.1
      [-128, 31], // 16 + 16, capped
    ];
    for (const [rp, bucket] of cases)
      expect(relativePositionBucket(rp, false, 32, 128), `rp ${rp}`).toBe(bucket);
  });

  it("relativePositionBucket(rp, true, 8, 6) reaches the log buckets of a tiny config", () => {
    // 4 a direction, exact below 2: 2 + ⌊log(|rp|/2) / log 3 · 2⌋, capped at 3.
    expect([-1, -2, -3, -4, -6, 4].map((rp) => relativePositionBucket(rp, true, 8, 6))).toEqual([
      1, 2, 2, 3, 3, 7,
    ]);
  });

  it("positionBuckets(Tq, Tk, ..., offset) is key − query with queries from offset", () => {
    const b = positionBuckets(1, 4, false, 32, 128, 3);
    expect(Array.from(b)).toEqual([3, 2, 1, 0]);
    expect(Array.from(positionBuckets(2, 2, true, 32, 128))).toEqual([0, 17, 1, 0]);
  });
});
