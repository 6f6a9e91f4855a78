// The benchmark runner: loads every workload in ./workloads, times its tasks with tinybench,
// prints a table, writes results/latest.json, and with --check compares against the committed
// baseline (baseline/baseline.json). Speed is judged only by ratios measured in the same run
// (ours / a reference), because these machines are too noisy for absolute times; a gated
// ratio that falls below its band is re-measured (more rounds) before it counts (check.mjs).
//
//   node src/run.mjs [--quick] [--check] [--update-baseline [--repeats N]] [--only a,b] [--list]
//                    [--model DIR] [--finetune-steps N]
// --model and --finetune-steps change what forecast-quality scores (another base model; N LoRA
// steps, 0 for zero-shot only), so they are for exploring and refused with the baseline's flags.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { enableRelaxedSimd } from "@kairos/lora/node";
import { compareWithBaseline, judgeRatio, spreadOf } from "./check.mjs";
import { measureRatios } from "./ratios.mjs";
import { printTable } from "./table.mjs";
import { ROUNDS, timeInterleaved } from "./time-task.mjs";

/** Re-measurements of an out-of-band ratio before it fails, each with twice the rounds. */
const REMEASURES = 2;

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const OPTIONS = {
  quick: { type: "boolean", default: false },
  check: { type: "boolean", default: false },
  "update-baseline": { type: "boolean", default: false },
  repeats: { type: "string" },
  only: { type: "string" },
  list: { type: "boolean", default: false },
  model: { type: "string" },
  "finetune-steps": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
};
const usage =
  "usage: node src/run.mjs [--quick] [--check] [--update-baseline [--repeats N]] [--only a,b] [--list] [--model DIR] [--finetune-steps N]";
const args = (() => {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    console.error(`bench: ${error.message}\n${usage}`);
    process.exit(2);
  }
})();
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const explore = {};
if (args.model !== undefined) explore.model = args.model;
if (args["finetune-steps"] !== undefined) {
  const n = Number(args["finetune-steps"]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(
      `bench: --finetune-steps must be a whole number ≥ 0, got ${args["finetune-steps"]}`,
    );
    process.exit(2);
  }
  explore.finetuneSteps = n;
}
if (Object.keys(explore).length > 0 && (args.check || args["update-baseline"])) {
  console.error(
    "bench: --model and --finetune-steps change the figures; they cannot be used with --check or --update-baseline",
  );
  process.exit(2);
}
const mode = args.quick ? "quick" : "full";
const repeats = Number(args.repeats ?? (args["update-baseline"] ? 5 : 1));
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(`bench: --repeats must be a positive integer, got ${args.repeats}`);
  process.exit(2);
}

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

const baselinePath = join(root, "baseline", "baseline.json");
const baseline = JSON.parse(await readFile(baselinePath, "utf8").catch(() => "{}"));
// As the `kairos` bin: the wasm kernels with fused multiply-adds where Node 20 needs a flag for
// them, so the step timed here is the CLI's. Recorded with the results.
const relaxedSimd = enableRelaxedSimd();
const results = {
  mode,
  node: process.version,
  relaxedSimd,
  date: new Date().toISOString(),
  workloads: {},
};
console.log(
  `node ${process.version}; wasm kernels with relaxed SIMD: ${relaxedSimd ? "yes" : "no"}`,
);
/** Each ratio's value in every repeat, for the baseline's spread. */
const seen = {};
let failed = false;
for (let repeat = 0; repeat < repeats; repeat++) {
  for (const w of workloads) {
    if (only && !only.includes(w.name)) continue;
    const of = repeats > 1 ? ` (run ${repeat + 1} of ${repeats})` : "";
    console.log(`\n## ${w.name}${w.description ? ` — ${w.description}` : ""}${of}`);
    try {
      const result = await runWorkload(w, baseline[mode]?.[w.name]);
      results.workloads[w.name] = result;
      for (const [ratio, r] of Object.entries(result.ratios)) {
        ((seen[w.name] ??= {})[ratio] ??= []).push(r.value);
      }
    } catch (error) {
      failed = true;
      console.error(`bench: workload ${w.name} failed: ${error?.stack ?? error}`);
    }
  }
}

await mkdir(join(root, "results"), { recursive: true });
await writeFile(join(root, "results", "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote benchmarks/results/latest.json (${mode})`);

if (args["update-baseline"]) {
  baseline[mode] = { ...(baseline[mode] ?? {}), ...slim(results.workloads) };
  await mkdir(dirname(baselinePath), { recursive: true });
  await writeFile(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`updated ${mode} section of benchmarks/baseline/baseline.json (${repeats} runs)`);
}
if (args.check) {
  // Ratios out of band were re-measured in place (checkRatios): this judges their last values.
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

async function runWorkload(w, base) {
  const ctx = (await w.setup?.({ quick: args.quick, ...explore })) ?? {};
  const tasks = await timeInterleaved(w.tasks ?? {}, ctx, { quick: args.quick });
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
  const ratios = measureRatios(w.ratios ?? [], tasks);
  const verdicts = args.check ? await checkRatios(w, ctx, ratios, base) : {};
  if (Object.keys(ratios).length > 0) {
    printTable(
      Object.entries(ratios).map(([name, r]) => ({
        ratio: name,
        value: `${r.value.toFixed(2)}×`,
        target:
          r.min == null ? "" : `≥ ${r.min.toFixed(2)}× ${r.value >= r.min ? "met" : "MISSED"}`,
        ...verdicts[name],
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

/**
 * Judges each ratio against its band; one that falls out is re-measured (its two tasks only,
 * twice the rounds) up to REMEASURES times and fails only if every re-measurement stays out.
 * Updates `ratios` in place with the last measurement and returns the table columns.
 */
async function checkRatios(w, ctx, ratios, base) {
  const columns = {};
  for (const [name, r] of Object.entries(ratios)) {
    let verdict = judgeRatio(r, base?.ratios?.[name], mode);
    const tried = [r.rounds];
    for (let i = 0; verdict.status === "out" && i < REMEASURES; i++) {
      const rounds = 2 ** (i + 1) * (args.quick ? ROUNDS.quick : ROUNDS.full);
      const again = await timeInterleaved(w.tasks, ctx, {
        quick: args.quick,
        rounds,
        only: [r.of, r.over],
      });
      const spec = (w.ratios ?? []).find((s) => s.name === name);
      Object.assign(r, measureRatios([spec], again)[name]);
      tried.push(r.rounds);
      verdict = judgeRatio(r, base?.ratios?.[name], mode);
    }
    const { status, band } = verdict;
    columns[name] = {
      band: band && r.gated ? `≥ ${band.floor.toFixed(2)}×` : "",
      baseline: band
        ? `${band.value.toFixed(2)}× (${band.low.toFixed(2)}–${band.high.toFixed(2)}, ${band.runs} runs)`
        : "",
      rounds: tried.join(" + "),
      check: { ok: "ok", out: "FAILED", new: "no baseline", reported: `reported: ${r.why}` }[
        status
      ],
    };
  }
  return columns;
}

function bytesOf(m) {
  return typeof m === "number" ? m : m.bytes;
}

// The baseline keeps what check compares (each ratio's median and spread over the repeats,
// memory) and the medians for the record.
function slim(workloadResults) {
  const out = {};
  for (const [name, w] of Object.entries(workloadResults)) {
    out[name] = {
      ratios: Object.fromEntries(
        Object.keys(w.ratios).map((ratio) => [ratio, spreadOf(seen[name][ratio])]),
      ),
      memory: w.memory,
      medianMs: Object.fromEntries(Object.entries(w.tasks).map(([k, t]) => [k, t.medianMs])),
    };
  }
  return out;
}
