import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { windows } from "../src/windows.js";
import { type StreamChunk, windowsFromStream } from "../src/windows-from-stream.js";

/** A forced full GC, so heap figures measure what is held, not garbage. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** Splits values into chunks at the given cut points, some as single numbers. */
function chunked(values: number[], cuts: number[]): StreamChunk[] {
  const bounds = [...new Set([0, ...cuts.map((c) => c % (values.length + 1)), values.length])].sort(
    (a, b) => a - b,
  );
  const out: StreamChunk[] = [];
  for (let k = 1; k < bounds.length; k++) {
    const piece = values.slice(bounds[k - 1], bounds[k]);
    if (piece.length === 1) out.push(piece[0]);
    else out.push(k % 2 ? piece : Float32Array.from(piece));
  }
  return out;
}

describe("windowsFromStream", () => {
  it("windowsFromStream(source) yields exactly the windows of windows(series), chunked anyhow", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        async (n, contextLength, predictionLength, stride, minRaw, cuts, sync) => {
          const minContext = Math.min(minRaw, contextLength);
          fc.pre(n >= minContext + predictionLength);
          // Integers: exact in the Float32Array chunks as well.
          const values = Array.from({ length: n }, (_, i) =>
            i % 5 === 2 ? Number.NaN : i * 3 - 7,
          );
          const options = { contextLength, predictionLength, stride, minContext };
          const expected = [...windows(values, options)].map((w) => ({
            ...w,
            context: [...w.context],
            target: [...w.target],
          }));
          const chunks = chunked(values, cuts);
          const got = [];
          for await (const w of windowsFromStream(sync ? chunks : asAsync(chunks), options)) {
            got.push({ ...w, context: [...w.context], target: [...w.target] });
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("windowsFromStream(source) streams 10 million values in constant memory", async () => {
    const gc = collector();
    const total = 10_000_000;
    const chunkSize = 65_536;
    async function* source() {
      const chunk = new Float64Array(chunkSize); // refilled: the consumer is done with it by then
      for (let start = 0; start < total; start += chunkSize) {
        const length = Math.min(chunkSize, total - start);
        for (let i = 0; i < length; i++) chunk[i] = (start + i) % 1000;
        yield length === chunkSize ? chunk : chunk.subarray(0, length);
      }
    }
    const options = { contextLength: 512, predictionLength: 64, stride: 64 };
    let buffer: ArrayBufferLike | undefined;
    let count = 0;
    let wrong = 0;
    let heapEarly = 0;
    let heapLate = 0;
    for await (const w of windowsFromStream(source(), options)) {
      buffer ??= w.context.buffer;
      if (w.context.buffer !== buffer || w.target.buffer !== buffer) wrong++;
      if (w.target[0] !== w.targetStart % 1000 || w.context[511] !== (w.targetStart - 1) % 1000)
        wrong++;
      count++;
      if (w.end === 1_000_000 || w.end === total - 64) {
        gc();
        if (w.end === 1_000_000) heapEarly = process.memoryUsage().heapUsed;
        else heapLate = process.memoryUsage().heapUsed;
      }
    }
    expect(wrong).toBe(0);
    expect(count).toBe(Math.floor((total - 576) / 64) + 1);
    expect(buffer?.byteLength).toBe(2 * 576 * 8); // the only per-stream storage
    // Holding the 9 million values in between would take at least 36 MB.
    expect(heapLate - heapEarly).toBeLessThan(4 * 2 ** 20);
  }, 30_000);

  it("windowsFromStream(source) pads early windows with NaN in the ring itself", async () => {
    const got = [];
    for await (const w of windowsFromStream([1, 2, 3, 4], {
      contextLength: 3,
      predictionLength: 1,
      minContext: 1,
    })) {
      got.push([w.padding, [...w.context], [...w.target]]);
    }
    expect(got).toEqual([
      [2, [Number.NaN, Number.NaN, 1], [2]],
      [1, [Number.NaN, 1, 2], [3]],
      [0, [1, 2, 3], [4]],
    ]);
  });

  it("windowsFromStream(source) closes the source when the consumer stops early", async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const w of windowsFromStream(source(), { contextLength: 2, predictionLength: 1 })) {
      expect([...w.context, ...w.target]).toEqual([0, 1, 2]);
      break;
    }
    expect(closed).toBe(true);
  });

  it("windowsFromStream(source) rejects Infinity, bad chunks and a short stream, naming them", async () => {
    const drain = async (source: Iterable<StreamChunk> | AsyncIterable<StreamChunk>) => {
      for await (const _ of windowsFromStream(source, { contextLength: 2, predictionLength: 1 }));
    };
    await expect(
      drain([
        [1, 2],
        [3, Infinity],
      ]),
    ).rejects.toThrow(
      new RangeError("windowsFromStream(): stream[3] must be finite or NaN, got Infinity"),
    );
    await expect(drain(asAsync([1, 2]))).rejects.toThrow(
      new RangeError(
        "windowsFromStream(): stream of length 2 is shorter than one window (minContext 2 + predictionLength 1)",
      ),
    );
    await expect(drain([[1, "x" as never]])).rejects.toThrow(
      new TypeError('windowsFromStream(): stream[1] must be a number, got "x"'),
    );
    await expect(drain(["12" as never])).rejects.toThrow(/source must yield numbers .*got "12"/);
    await expect(drain([{} as never])).rejects.toThrow(
      /source must yield numbers or arrays of numbers, got object/,
    );
    expect(() => windowsFromStream(42 as never, { contextLength: 2, predictionLength: 1 })).toThrow(
      "windowsFromStream(): source must be an async or sync iterable, got 42",
    );
    expect(() => windowsFromStream([], { contextLength: 0, predictionLength: 1 })).toThrow(
      "windowsFromStream(): contextLength must be a positive integer, got 0",
    );
  });
});
