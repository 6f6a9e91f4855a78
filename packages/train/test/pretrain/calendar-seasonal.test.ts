import { Random } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { type CalendarFrequency, calendarCycles } from "../../src/pretrain/calendar.js";
import { calendarSeasonal } from "../../src/pretrain/calendar-seasonal.js";
import { detrend, periodogram } from "../helpers/series-stats.js";

// a length holding whole cycles of the shortest period, long enough to see the longer one
const LENGTHS: Record<CalendarFrequency, number> = {
  h: 24 * 7 * 4,
  D: 730,
  B: 522,
  W: 520,
  M: 120,
  Q: 80,
};

describe("calendarSeasonal", () => {
  it("calendarSeasonal(rng, length, options) is deterministic, of the length asked, finite", () => {
    const a = calendarSeasonal(new Random(7), 300, { frequency: "D" });
    const b = calendarSeasonal(new Random(7), 300, { frequency: "D" });
    expect(a).toHaveLength(300);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(calendarSeasonal(new Random(8), 300, { frequency: "D" }))).not.toEqual(
      Array.from(a),
    );
  });

  it.each(Object.entries(LENGTHS) as [CalendarFrequency, number][])(
    "calendarSeasonal(rng, length, { frequency: %s }) peaks in the periodogram at its cycles",
    (frequency, n) => {
      const cycles = calendarCycles(frequency);
      let hits = 0;
      const seeds = 30;
      for (let s = 0; s < seeds; s++) {
        const p = periodogram(detrend(calendarSeasonal(new Random(s), n, { frequency })));
        const peak = 1 + p.indexOf(Math.max(...p)); // bin k: k / n cycles a step
        const near = cycles.some((c) =>
          Array.from({ length: c.maxHarmonics }, (_, h) => ((h + 1) * n) / c.period).some(
            (bin) => Math.abs(bin - peak) <= 1,
          ),
        );
        if (near) hits++;
      }
      expect(hits / seeds).toBeGreaterThanOrEqual(0.9);
    },
  );
});
