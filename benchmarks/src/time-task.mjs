// Times one workload task with tinybench and reduces the result to what we report:
// median and p75 latency, sample count, and throughput in the task's own units per second.
import { Bench } from "tinybench";

/**
 * @param {{ fn: (ctx: unknown) => unknown, items?: number, unit?: string, time?: number }} task
 * @param {unknown} ctx built by the workload's setup, outside the timed function
 * @param {boolean} quick the CI form: shorter time budget per task
 */
export async function timeTask(task, ctx, quick) {
  const bench = new Bench({
    time: task.time ?? (quick ? 300 : 1500),
    iterations: quick ? 5 : 10,
    warmupTime: quick ? 50 : 200,
    warmupIterations: 2,
    throws: true,
  });
  bench.add("task", () => task.fn(ctx));
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== "completed") {
    throw new Error(`task ended in state ${result.state}: ${result.error?.message ?? ""}`);
  }
  const medianMs = result.latency.p50;
  const items = task.items ?? 1;
  return {
    medianMs: round(medianMs),
    p75Ms: round(result.latency.p75),
    samples: result.latency.samplesCount ?? result.latency.samples?.length ?? null,
    throughput: round((items * 1000) / medianMs),
    items,
    unit: task.unit ?? "ops",
  };
}

function round(x) {
  return Number(x.toPrecision(4));
}
