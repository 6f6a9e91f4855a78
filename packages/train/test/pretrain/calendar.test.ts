import { Random } from "@kairos/lora";
import { expect, it } from "vitest";
import {
  CALENDAR_FREQUENCIES,
  calendarCycles,
  calendarTimestamps,
  randomStart,
} from "../../src/pretrain/calendar.js";

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

it("calendarTimestamps(start, 'B', n) skips weekends", () => {
  const t = calendarTimestamps(Date.UTC(2024, 0, 4), "B", 4); // Thursday
  expect(Array.from(t, iso)).toEqual(["2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"]);
});

it("calendarTimestamps(start, 'M' | 'Q', n) steps whole calendar months", () => {
  const m = calendarTimestamps(Date.UTC(2023, 10, 1), "M", 4);
  expect(Array.from(m, iso)).toEqual(["2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01"]);
  const q = calendarTimestamps(Date.UTC(2023, 9, 1), "Q", 3);
  expect(Array.from(q, iso)).toEqual(["2023-10-01", "2024-01-01", "2024-04-01"]);
});

it("calendarCycles(frequency) gives each frequency its calendar cycles", () => {
  expect(calendarCycles("h").map((c) => c.period)).toEqual([24, 168]);
  expect(calendarCycles("D").map((c) => c.name)).toEqual(["day of week", "day of year"]);
  expect(calendarCycles("M")[0].phase(Date.UTC(2024, 6, 1))).toBeCloseTo(6 / 12, 12);
  expect(calendarCycles("h")[0].phase(Date.UTC(2024, 0, 1, 18))).toBeCloseTo(0.75, 12);
  // 2024-01-03 is a Wednesday: weekday 2 of Monday-first weeks
  expect(calendarCycles("B")[0].phase(Date.UTC(2024, 0, 3))).toBeCloseTo(2 / 5, 12);
  // a leap year's 1 July is day 182 of 366
  expect(calendarCycles("D")[1].phase(Date.UTC(2024, 6, 1))).toBeCloseTo(182 / 366, 12);
  expect(() => calendarCycles("Y" as never)).toThrow(
    'calendarCycles(): frequency must be one of h, D, B, W, M, Q, got "Y"',
  );
});

it("calendarCycles(frequency) phases stay in [0, 1) and advance one period's worth a cycle", () => {
  for (const f of CALENDAR_FREQUENCIES) {
    const t = calendarTimestamps(randomStart(new Random(1), f), f, 800);
    for (const cycle of calendarCycles(f)) {
      for (const v of t) expect(cycle.phase(v)).toBeGreaterThanOrEqual(0);
      for (const v of t) expect(cycle.phase(v)).toBeLessThan(1);
      // count wraps of the phase over the series: ≈ length / period
      let wraps = 0;
      for (let i = 1; i < t.length; i++) if (cycle.phase(t[i]) < cycle.phase(t[i - 1])) wraps++;
      expect(Math.abs(wraps - t.length / cycle.period)).toBeLessThanOrEqual(1);
    }
  }
});

it("randomStart(rng, frequency) is aligned to the frequency and seeded", () => {
  for (let s = 0; s < 50; s++) {
    expect(new Date(randomStart(new Random(s), "M")).getUTCDate()).toBe(1);
    expect(new Date(randomStart(new Random(s), "Q")).getUTCMonth() % 3).toBe(0);
    expect([0, 6]).not.toContain(new Date(randomStart(new Random(s), "B")).getUTCDay());
    expect(new Date(randomStart(new Random(s), "D")).getUTCHours()).toBe(0);
  }
  expect(randomStart(new Random(9), "h")).toBe(randomStart(new Random(9), "h"));
});
