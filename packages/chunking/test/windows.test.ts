import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { windows } from "../src/windows.js";
import { evenlySpacedIndices, instanceSplitter } from "./gluonts-reference.js";

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe("windows", () => {
  it("windows(series) matches GluonTS InstanceSplitter (NaN dummy_value) on random shapes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, contextLength, predictionLength, stride, minFraction) => {
          const minContext = Math.floor(minFraction * contextLength);
          fc.pre(n >= minContext + predictionLength);
          const values = Array.from({ length: n }, (_, i) =>
            i % 7 === 3 ? Number.NaN : i * 1.5 - 4,
          );
          const ours = [
            ...windows(Float64Array.from(values), {
              contextLength,
              predictionLength,
              stride,
              minContext,
            }),
          ];
          const indices = evenlySpacedIndices(n, minContext, predictionLength, stride);
          const ref = instanceSplitter(values, contextLength, predictionLength, indices);
          expect(ours.length).toBe(ref.length);
          ours.forEach((w, k) => {
            const r = ref[k];
            expect(w.targetStart).toBe(r.splitIndex);
            expect(w.contextStart).toBe(r.splitIndex - contextLength);
            expect(w.end).toBe(r.splitIndex + predictionLength);
            expect([...w.context]).toEqual(r.past);
            expect([...w.target]).toEqual(r.future);
            expect(w.padding).toBe(r.isPad.reduce((a, b) => a + b, 0));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("windows(series) returns zero-copy subarray views of the input", () => {
    const series = new Float32Array(ramp(20));
    const ws = [...windows(series, { contextLength: 5, predictionLength: 3 })];
    expect(ws.length).toBe(20 - 8 + 1);
    for (const w of ws) {
      expect(w.context).toBeInstanceOf(Float32Array);
      expect(w.context.buffer).toBe(series.buffer);
      expect(w.target.buffer).toBe(series.buffer);
      expect(w.context.byteOffset).toBe(w.contextStart * 4);
      expect(w.padding).toBe(0);
    }
    series[6] = -1; // visible through every view that covers step 6
    expect(ws[2].context[4]).toBe(-1);
    expect(ws[1].target[0]).toBe(-1);
    expect(ws[0].target[1]).toBe(-1);
  });

  it("windows(series) left-pads with NaN and reports the padding when minContext < contextLength", () => {
    const ws = [...windows(ramp(6), { contextLength: 4, predictionLength: 2, minContext: 1 })];
    expect(ws.map((w) => w.targetStart)).toEqual([1, 2, 3, 4]);
    expect(ws.map((w) => w.padding)).toEqual([3, 2, 1, 0]);
    expect([...ws[0].context]).toEqual([Number.NaN, Number.NaN, Number.NaN, 0]);
    expect([...ws[0].target]).toEqual([1, 2]);
    expect(ws[0].contextStart).toBe(-3);
    expect(ws[3].context.buffer).toBe(ws[3].target.buffer);
  });

  it("windows(series) with stride steps split points from minContext", () => {
    const ws = windows(ramp(30), { contextLength: 6, predictionLength: 4, stride: 7 });
    expect([...ws].map((w) => w.targetStart)).toEqual([6, 13, 20]);
    expect(ws.length).toBe(3);
    expect(ws.at(2).targetStart).toBe(20);
    expect([...ws].length).toBe(3); // re-iterable
  });

  it("windows(array) copies a plain array once into a Float64Array", () => {
    const ws = windows([1, 2, 3, Number.NaN, 5], { contextLength: 2, predictionLength: 1 });
    const all = [...ws];
    expect(all[0].context).toBeInstanceOf(Float64Array);
    expect(all[0].context.buffer).toBe(all[2].target.buffer);
    expect([...all[2].context]).toEqual([3, Number.NaN]);
  });

  it("windows(series) rejects bad lengths, naming the argument and value", () => {
    const s = ramp(10);
    expect(() => windows(s, { contextLength: -3, predictionLength: 1 })).toThrow(
      new RangeError("windows(): contextLength must be a positive integer, got -3"),
    );
    expect(() => windows(s, { contextLength: 2.5, predictionLength: 1 })).toThrow(
      /contextLength.*2\.5/,
    );
    expect(() => windows(s, { contextLength: 2, predictionLength: 0 })).toThrow(
      /predictionLength.*got 0/,
    );
    expect(() => windows(s, { contextLength: 2, predictionLength: Infinity })).toThrow(
      /predictionLength.*Infinity/,
    );
    expect(() => windows(s, { contextLength: 2, predictionLength: 1, stride: 0 })).toThrow(
      RangeError,
    );
    expect(() => windows(s, { contextLength: 2, predictionLength: 1, minContext: 3 })).toThrow(
      "windows(): minContext must be at most contextLength (2), got 3",
    );
    expect(() =>
      windows(s, { contextLength: "2" as unknown as number, predictionLength: 1 }),
    ).toThrow(new TypeError('windows(): contextLength must be a positive integer, got "2"'));
  });

  it("windows(series) rejects a series shorter than one window and Infinity", () => {
    expect(() => windows(ramp(7), { contextLength: 5, predictionLength: 3 })).toThrow(
      new RangeError(
        "windows(): series of length 7 is shorter than one window (minContext 5 + predictionLength 3)",
      ),
    );
    const bad = ramp(10);
    bad[4] = -Infinity;
    expect(() => windows(bad, { contextLength: 2, predictionLength: 1 })).toThrow(
      new RangeError("windows(): series[4] must be finite or NaN, got -Infinity"),
    );
    expect(() =>
      windows([1, 2, "3"] as unknown as number[], { contextLength: 1, predictionLength: 1 }),
    ).toThrow('windows(): series[2] must be a number, got "3"');
    expect(() =>
      windows(new Int32Array(5) as never, { contextLength: 1, predictionLength: 1 }),
    ).toThrow(TypeError);
  });

  it("windows(series) rejects unknown options and lists the valid ones", () => {
    expect(() =>
      windows(ramp(10), { contextLength: 2, predictionLength: 1, strid: 2 } as never),
    ).toThrow(
      'windows(): unknown option "strid"; valid options: contextLength, predictionLength, stride, minContext',
    );
    expect(() => windows(ramp(10), null as never)).toThrow(
      "windows(): options must be an object, got null",
    );
  });

  it("WindowSequence.at(index) rejects an index out of range", () => {
    const ws = windows(ramp(10), { contextLength: 2, predictionLength: 1 });
    expect(() => ws.at(ws.length)).toThrow(
      `WindowSequence.at(): index must be an integer in [0, 8), got 8`,
    );
  });
});
