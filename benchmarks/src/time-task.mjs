// Times a workload's tasks with tinybench and reduces each to what we report: median and
// p75 latency, sample count, throughput in the task's own units per second, and the median
// of every round (for ratios paired round by round, see ratios.mjs).
// Tasks run interleaved in rounds (A B C, A B C, …) and each task's figure is the median
// of its round medians: on a shared machine the load drifts, and a ratio of two tasks timed
// minutes apart measures the drift; timed side by side, it measures the code.
import { Bench } from "tinybench";

/** Rounds per measurement: the CI form runs fewer, shorter ones. */
export const ROUNDS = { quick: 5, full: 7 };

/**
 * @param {Record<string, { fn: (ctx: unknown) => unknown, items?: number, unit?: string, time?: number }>} tasks
 * @param {unknown} ctx built by the workload's setup, outside the timed function
 * @param {{ quick: boolean, rounds?: number, only?: string[] }} options `only`: time just these
 *   tasks (a re-measurement of the tasks behind one ratio)
 */
export async function timeInterleaved(tasks, ctx, { quick, rounds, only }) {
  const n = rounds ?? (quick ? ROUNDS.quick : ROUNDS.full);
  const names = Object.keys(tasks).filter((name) => !only || only.includes(name));
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < n; round++) {
    for (const name of names) runs[name].push(await timeOnce(tasks[name], ctx, quick, n));
  }
  const out = {};
  for (const name of names) {
    const task = tasks[name];
    const r = runs[name];
    const medianMs = median(r.map((x) => x.p50));
    const items = task.items ?? 1;
    out[name] = {
      medianMs: round4(medianMs),
      p75Ms: round4(median(r.map((x) => x.p75))),
      samples: r.reduce((total, x) => total + x.samples, 0),
      throughput: round4((items * 1000) / medianMs),
      items,
      unit: task.unit ?? "ops",
      peer: task.peer ?? null,
      roundMs: r.map((x) => x.p50),
    };
  }
  return out;
}

async function timeOnce(task, ctx, quick, rounds) {
  const bench = new Bench({
    // The same time in all per task, whatever the round count: more rounds, shorter each.
    time: (task.time ?? (quick ? 400 : 1500)) / rounds,
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

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round4(x) {
  return Number(x.toPrecision(4));
}
