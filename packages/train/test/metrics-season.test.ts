import { describe, expect, it } from "vitest";
import { inferFrequency } from "../src/metrics/infer-frequency.js";
import { seasonFromFrequency } from "../src/metrics/season.js";

const days = (start: string, n: number, skipWeekends: boolean) => {
  const out: number[] = [];
  for (let t = Date.parse(start); out.length < n; t += 86_400_000) {
    const d = new Date(t).getUTCDay();
    if (!skipWeekends || (d !== 0 && d !== 6)) out.push(t);
  }
  return out;
};

describe("seasons from the data's frequency", () => {
  it("seasonFromFrequency(f) gives B→5, D→7, M→12, h→24 and rejects unknown names", () => {
    expect([seasonFromFrequency("B"), seasonFromFrequency("D"), seasonFromFrequency("M")]).toEqual([
      5, 7, 12,
    ]);
    expect(seasonFromFrequency("h")).toBe(24);
    expect(() => seasonFromFrequency("X" as never)).toThrow(
      /must be one of min, h, B, D, W, M, Q, Y, got X/,
    );
  });

  it("inferFrequency(timestamps) tells business-daily, daily, weekly, monthly and hourly apart", () => {
    expect(inferFrequency(days("2020-01-01", 40, true))).toBe("B");
    expect(inferFrequency(days("2020-01-01", 40, false))).toBe("D");
    expect(inferFrequency(days("2020-01-01", 70, false).filter((_, i) => i % 7 === 0))).toBe("W");
    const months = Array.from({ length: 24 }, (_, i) => Date.UTC(2000, i, 1));
    expect(inferFrequency(months)).toBe("M");
    expect(inferFrequency(Array.from({ length: 30 }, (_, i) => i * 3_600_000))).toBe("h");
    expect(inferFrequency([0, 1])).toBeNull();
    expect(inferFrequency([0, 5_000, 10_000, 15_000])).toBeNull();
  });
});
