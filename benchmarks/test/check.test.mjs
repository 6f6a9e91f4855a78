import { describe, expect, it } from "vitest";
import { compareWithBaseline } from "../src/check.mjs";

const run = (value, bytes) => ({
  w: { ratios: { "ours / ref": { value, tolerance: null } }, memory: { contextBytes: bytes } },
});

describe("compareWithBaseline", () => {
  it("compareWithBaseline(current, baseline) passes equal figures", () => {
    expect(
      compareWithBaseline(run(3, 100), {
        w: { ratios: { "ours / ref": 3 }, memory: { contextBytes: 100 } },
      }),
    ).toEqual([]);
  });
  it("compareWithBaseline(current, baseline) fails a memory figure that grew by one byte", () => {
    const problems = compareWithBaseline(run(3, 101), {
      w: { ratios: {}, memory: { contextBytes: 100 } },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/contextBytes/);
  });
  it("compareWithBaseline(current, baseline) tolerates a ratio within 30% and fails beyond", () => {
    const base = { w: { ratios: { "ours / ref": 4 }, memory: {} } };
    expect(compareWithBaseline(run(3, 0), base)).toEqual([]);
    expect(compareWithBaseline(run(2.7, 0), base)[0]).toMatch(/fell to 2.70× from 4.00×/);
  });
  it("compareWithBaseline(current, baseline, 'quick') allows a 50% fall", () => {
    const base = { w: { ratios: { "ours / ref": 4 }, memory: {} } };
    expect(compareWithBaseline(run(2.1, 0), base, "quick")).toEqual([]);
    expect(compareWithBaseline(run(1.9, 0), base, "quick")).toHaveLength(1);
  });
  it("compareWithBaseline(current, baseline) honours a measured figure's tolerance", () => {
    const current = { w: { ratios: {}, memory: { rss: { bytes: 105, tolerance: 0.1 } } } };
    expect(compareWithBaseline(current, { w: { memory: { rss: { bytes: 100 } } } })).toEqual([]);
    current.w.memory.rss.bytes = 111;
    expect(compareWithBaseline(current, { w: { memory: { rss: { bytes: 100 } } } })).toHaveLength(
      1,
    );
  });
  it("compareWithBaseline(current, baseline) skips workloads without a baseline", () => {
    expect(compareWithBaseline(run(1, 1e9), {})).toEqual([]);
  });
});
