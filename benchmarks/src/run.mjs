// The benchmark runner: loads every workload in ./workloads, times its tasks with tinybench,
// prints a table, writes results/latest.json, and with --check compares against the committed
// baseline (baseline/baseline.json). Speed is judged only by ratios measured in the same run
// (ours / a reference), because these machines are too noisy for absolute times.
//
//   node src/run.mjs [--quick] [--check] [--update-baseline] [--only a,b] [--list]
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { compareWithBaseline } from "./check.mjs";
import { printTable } from "./table.mjs";
import { timeInterleaved } from "./time-task.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    "update-baseline": { type: "boolean", default: false },
    only: { type: "string" },
    list: { type: "boolean", default: false },
  },
});
const mode = args.quick ? "quick" : "full";

const files = (await readdir(join(root, "src", "workloads")))
  .filter((f) => f.endsWith(".mjs"))
  .sort();
const workloads = [];
for (const file of files) {
  const mod = await import(pathToFileURL(join(root, "src", "workloads", file)).href);
  workloads.push({ file, ...mod.default });
}
if (args.list) {
  for (const w of workloads) console.log(`${w.name.padEnd(28)} ${w.description ?? ""}`);
  process.exit(0);
}
const only = args.only?.split(",").map((s) => s.trim());
if (only) {
  const unknown = only.filter((name) => !workloads.some((w) => w.name === name));
  if (unknown.length > 0) {
    console.error(
      `bench: unknown workload ${unknown.join(", ")}; available: ${workloads.map((w) => w.name).join(", ")}`,
    );
    process.exit(2);
  }
}

const results = { mode, node: process.version, date: new Date().toISOString(), workloads: {} };
let failed = false;
for (const w of workloads) {
  if (only && !only.includes(w.name)) continue;
  console.log(`\n## ${w.name}${w.description ? ` — ${w.description}` : ""}`);
  try {
    results.workloads[w.name] = await runWorkload(w);
  } catch (error) {
    failed = true;
    console.error(`bench: workload ${w.name} failed: ${error?.stack ?? error}`);
  }
}

await mkdir(join(root, "results"), { recursive: true });
await writeFile(join(root, "results", "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote benchmarks/results/latest.json (${mode})`);

const baselinePath = join(root, "baseline", "baseline.json");
if (args["update-baseline"]) {
  const baseline = JSON.parse(await readFile(baselinePath, "utf8").catch(() => "{}"));
  baseline[mode] = { ...(baseline[mode] ?? {}), ...slim(results).workloads };
  await mkdir(dirname(baselinePath), { recursive: true });
  await writeFile(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`updated ${mode} section of benchmarks/baseline/baseline.json`);
}
if (args.check) {
  const baseline = JSON.parse(await readFile(baselinePath, "utf8").catch(() => "{}"));
  const problems = compareWithBaseline(results.workloads, baseline[mode] ?? {}, mode);
  if (problems.length > 0) {
    failed = true;
    console.error(`\nbench:check FAILED against the ${mode} baseline:`);
    for (const p of problems) console.error(`  - ${p}`);
  } else {
    console.log(`\nbench:check passed against the ${mode} baseline`);
  }
}
process.exit(failed ? 1 : 0);

async function runWorkload(w) {
  const ctx = (await w.setup?.({ quick: args.quick })) ?? {};
  const tasks = await timeInterleaved(w.tasks ?? {}, ctx, args.quick);
  printTable(
    Object.entries(tasks).map(([name, t]) => ({
      task: name,
      "median ms": t.medianMs,
      "p75 ms": t.p75Ms,
      samples: t.samples,
      throughput: t.throughput,
      unit: `${t.unit}/s`,
    })),
  );
  const ratios = {};
  for (const r of w.ratios ?? []) {
    const of = tasks[r.of];
    const over = tasks[r.over];
    if (!of || !over) continue; // a task unavailable here (e.g. no GPU) skips its ratio
    const value = of.throughput / over.throughput;
    ratios[r.name] = {
      value,
      of: r.of,
      over: r.over,
      min: r.min ?? null,
      tolerance: r.tolerance ?? null,
    };
  }
  if (Object.keys(ratios).length > 0) {
    printTable(
      Object.entries(ratios).map(([name, r]) => ({
        ratio: name,
        value: `${r.value.toFixed(2)}×`,
        target: r.min == null ? "" : `≥ ${r.min}× ${r.value >= r.min ? "met" : "MISSED"}`,
      })),
    );
  }
  const memory = (await w.memory?.(ctx)) ?? {};
  if (Object.keys(memory).length > 0) {
    printTable(Object.entries(memory).map(([name, m]) => ({ memory: name, bytes: bytesOf(m) })));
  }
  const report = (await w.report?.(ctx, { tasks, ratios })) ?? [];
  if (report.length > 0) printTable(report);
  await w.teardown?.(ctx);
  return { tasks, ratios, memory, report };
}

function bytesOf(m) {
  return typeof m === "number" ? m : m.bytes;
}

// The baseline keeps what check compares (ratios, memory) and the medians for the record.
function slim(res) {
  const workloads = {};
  for (const [name, w] of Object.entries(res.workloads)) {
    workloads[name] = {
      ratios: Object.fromEntries(Object.entries(w.ratios).map(([k, r]) => [k, r.value])),
      memory: w.memory,
      medianMs: Object.fromEntries(Object.entries(w.tasks).map(([k, t]) => [k, t.medianMs])),
    };
  }
  return { workloads };
}
