// chunking-stream: windowsFromStream() over a long async stream of Float64Array chunks,
// against materialising the whole stream first and windowing it in memory. Memory: the
// bytes the stream keeps (its ring buffer, exact) and the heap growth measured across the
// stream after forced GCs (shown in the report; too noisy for a hard figure).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { windows, windowsFromStream } from "@kairos/chunking";

const options = { contextLength: 512, predictionLength: 64, stride: 1 };
const chunkSize = 65_536;
const size = { values: 0 };

/** An async source of `total` values in reused chunks, as a file reader would give them. */
async function* source(total) {
  const chunk = new Float64Array(chunkSize);
  for (let start = 0; start < total; start += chunkSize) {
    const length = Math.min(chunkSize, total - start);
    for (let i = 0; i < length; i++) chunk[i] = 100 + ((start + i) % 1000) / 10;
    yield length === chunkSize ? chunk : chunk.subarray(0, length);
  }
}

async function streamed(total, probe) {
  let sink = 0;
  for await (const w of windowsFromStream(source(total), options)) {
    sink += w.target[0];
    probe?.(w);
  }
  return sink;
}

export default {
  name: "chunking-stream",
  description:
    "windowsFromStream(): constant-memory windows over an async stream vs load-then-window",
  async setup({ quick }) {
    size.values = quick ? 1_000_000 : 4_000_000;
    setFlagsFromString("--expose-gc");
    return { total: size.values, gc: runInNewContext("gc") };
  },
  tasks: {
    stream: {
      fn: ({ total }) => streamed(total),
      get items() {
        return size.values;
      },
      unit: "values",
    },
    loadThenWindow: {
      fn: async ({ total }) => {
        const all = new Float64Array(total);
        let at = 0;
        for await (const chunk of source(total)) {
          all.set(chunk, at);
          at += chunk.length;
        }
        let sink = 0;
        for (const w of windows(all, options)) sink += w.target[0];
        return sink;
      },
      get items() {
        return size.values;
      },
      unit: "values",
    },
  },
  ratios: [{ name: "stream over load-then-window", of: "stream", over: "loadThenWindow" }],
  async memory(ctx) {
    let ringBytes = 0;
    const heap = [];
    const marks = new Set([Math.floor(ctx.total / 10), ctx.total - options.predictionLength]);
    await streamed(ctx.total, (w) => {
      ringBytes = w.context.buffer.byteLength;
      if (marks.has(w.end)) {
        ctx.gc();
        heap.push(process.memoryUsage().heapUsed);
      }
    });
    ctx.heapGrowthBytes = heap[1] - heap[0];
    return { ringBytes };
  },
  report(ctx) {
    return [
      {
        values: ctx.total,
        "stream held bytes": 2 * (options.contextLength + options.predictionLength) * 8,
        "heap growth over 90% of the stream": ctx.heapGrowthBytes,
        "load-then-window held bytes": ctx.total * 8,
      },
    ];
  },
};
