import { describe, expect, it } from "vitest";
import { bandOf, compareWithBaseline, judgeRatio, MIN_MARGIN, spreadOf } from "../src/check.mjs";
import { measureRatios, pairedRatio } from "../src/ratios.mjs";

const ratio = (value, gated = true) => ({ value, rounds: 5, gated, why: gated ? null : "peer" });
const run = (value, bytes, gated = true) => ({
  w: { ratios: { "ours / ref": ratio(value, gated) }, memory: { contextBytes: bytes } },
});
const base = (entry, memory = {}) => ({ w: { ratios: { "ours / ref": entry }, memory } });

describe("bandOf", () => {
  it("bandOf(entry) puts the floor twice the downward spread below the median", () => {
    const band = bandOf({ value: 10, low: 8, high: 11, runs: 5 });
    expect(band.margin).toBeCloseTo(0.4);
    expect(band.floor).toBeCloseTo(6);
  });
  it("bandOf(entry) never lies closer than MIN_MARGIN to the median", () => {
    const band = bandOf({ value: 10, low: 9.9, high: 10.1, runs: 5 });
    expect(band.margin).toBe(MIN_MARGIN);
    expect(band.floor).toBeCloseTo(10 * (1 - MIN_MARGIN));
  });
  it("bandOf(number) falls back to a fixed margin for a bare baseline figure", () => {
    expect(bandOf(4, "full").floor).toBeCloseTo(2.8);
    expect(bandOf(4, "quick").floor).toBeCloseTo(2);
  });
});

describe("judgeRatio", () => {
  const entry = { value: 10, low: 9, high: 11, runs: 5 };
  it("judgeRatio(ratio, entry) is ok inside the band and out below it", () => {
    expect(judgeRatio(ratio(7.6), entry).status).toBe("ok");
    expect(judgeRatio(ratio(7.4), entry).status).toBe("out");
  });
  it("judgeRatio(ratio, entry) only reports an ungated ratio, however low", () => {
    expect(judgeRatio(ratio(0.1, false), entry).status).toBe("reported");
  });
  it("judgeRatio(ratio, undefined) has no baseline to judge by", () => {
    expect(judgeRatio(ratio(1), undefined).status).toBe("new");
  });
});

describe("compareWithBaseline", () => {
  const entry = { value: 3, low: 3, high: 3, runs: 3 };
  it("compareWithBaseline(current, baseline) passes equal figures", () => {
    expect(compareWithBaseline(run(3, 100), base(entry, { contextBytes: 100 }))).toEqual([]);
  });
  it("compareWithBaseline(current, baseline) fails a memory figure that grew by one byte", () => {
    const problems = compareWithBaseline(run(3, 101), base(entry, { contextBytes: 100 }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/contextBytes/);
  });
  it("compareWithBaseline(current, baseline) names the workload, value and band of a fall", () => {
    const problems = compareWithBaseline(run(1.5, 0), base(entry));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^w: ratio "ours \/ ref" is 1.50×, below its band ≥ 2.25×/);
  });
  it("compareWithBaseline(current, baseline) does not fail a peer ratio", () => {
    expect(compareWithBaseline(run(0.5, 0, false), base(entry))).toEqual([]);
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

describe("spreadOf", () => {
  it("spreadOf(values) records the median, the extremes and the run count", () => {
    expect(spreadOf([4, 2, 3, 5])).toEqual({ value: 3.5, low: 2, high: 5, runs: 4 });
  });
});

describe("measureRatios", () => {
  const task = (items, roundMs, peer = null) => ({ items, roundMs, peer, throughput: 0 });
  it("pairedRatio(of, over) takes the median of round-by-round ratios", () => {
    // Round 2 is slow for both (load): paired, it cancels; rounds 1–3 give 2, 2, 4.
    const of = task(1, [1, 10, 1]);
    const over = task(1, [2, 20, 4]);
    expect(pairedRatio(of, over)).toBe(2);
  });
  it("measureRatios(specs, tasks) gates ours over ours and reports a ratio over a peer", () => {
    const tasks = { a: task(1, [1]), b: task(1, [2]), p: task(1, [4], "tfjs-backend-wasm") };
    const out = measureRatios(
      [
        { name: "a / b", of: "a", over: "b" },
        { name: "a / p", of: "a", over: "p" },
        { name: "a / b, off", of: "a", over: "b", gate: false, why: "GC-bound" },
        { name: "a / missing", of: "a", over: "x" },
      ],
      tasks,
    );
    expect(out["a / b"]).toMatchObject({ value: 2, gated: true, rounds: 1 });
    expect(out["a / p"]).toMatchObject({
      value: 4,
      gated: false,
      why: "over a peer (tfjs-backend-wasm)",
    });
    expect(out["a / b, off"]).toMatchObject({ gated: false, why: "GC-bound" });
    expect(out["a / missing"]).toBeUndefined();
  });
});
