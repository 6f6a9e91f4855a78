// Times a workload's tasks with tinybench and reduces each to what we report: median and
// p75 latency, sample count, and throughput in the task's own units per second.
// Tasks run interleaved in rounds (A B C, A B C, …) and each task's figure is the median
// of its round medians: on a shared machine the load drifts, and a ratio of two tasks timed
// minutes apart measures the drift; timed side by side, it measures the code.
import { Bench } from "tinybench";

/**
 * @param {Record<string, { fn: (ctx: unknown) => unknown, items?: number, unit?: string, time?: number }>} tasks
 * @param {unknown} ctx built by the workload's setup, outside the timed function
 * @param {boolean} quick the CI form: fewer rounds, shorter time per round
 */
export async function timeInterleaved(tasks, ctx, quick) {
  const rounds = quick ? 3 : 5;
  const runs = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, task] of Object.entries(tasks)) {
      runs[name].push(await timeOnce(task, ctx, quick, rounds));
    }
  }
  const out = {};
  for (const [name, task] of Object.entries(tasks)) {
    const r = runs[name];
    const medianMs = median(r.map((x) => x.p50));
    const items = task.items ?? 1;
    out[name] = {
      medianMs: round4(medianMs),
      p75Ms: round4(median(r.map((x) => x.p75))),
      samples: r.reduce((n, x) => n + x.samples, 0),
      throughput: round4((items * 1000) / medianMs),
      items,
      unit: task.unit ?? "ops",
    };
  }
  return out;
}

async function timeOnce(task, ctx, quick, rounds) {
  const bench = new Bench({
    time: (task.time ?? (quick ? 300 : 1500)) / rounds,
    iterations: quick ? 2 : 3,
    warmupTime: quick ? 20 : 100,
    warmupIterations: 1,
    throws: true,
  });
  bench.add("task", () => task.fn(ctx));
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== "completed") {
    throw new Error(`task ended in state ${result.state}: ${result.error?.message ?? ""}`);
  }
  const samples = result.latency.samplesCount ?? result.latency.samples?.length ?? 0;
  return { p50: result.latency.p50, p75: result.latency.p75, samples };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round4(x) {
  return Number(x.toPrecision(4));
}
