// The PyTorch + PEFT peer of train-step: benchmarks/torch/train_step.py run in a subprocess where
// its interpreter imports torch, peft and transformers, else the figures it recorded in
// benchmarks/torch/train-step.json. The quick form (bench:check, CI) only reads the record, so CI
// never needs Python nor waits for it.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = join(dirname(fileURLToPath(import.meta.url)), "../torch");
const script = join(here, "train_step.py");
const recordPath = join(here, "train-step.json");
const tinyDir = join(here, "../../packages/train/models/kairos-base-tiny");

/**
 * @typedef {{ label: string, batch: number, seq: number, msPerStep: number,
 *   tokensPerSecond: number, peakRssBytes: number, threads: number, source: string }} TorchStep
 */

/**
 * PyTorch + PEFT's step of a model directory (kairos-base-tiny unless `modelDir`) at `batch` ×
 * `seq`: measured now (not in the quick form, and only where `python` imports torch, peft and
 * transformers), else the record of that model at that shape (or the model's first recorded
 * shape); null with neither.
 *
 * @param {{ batch: number, seq: number, quick: boolean, modelDir?: string, python?: string, timeoutMs?: number }} options
 *   `python` defaults to $KAIROS_PYTHON, then python3.
 * @returns {Promise<TorchStep | null>}
 * @example await torchTrainStep({ batch: 8, seq: 159, quick: false }) // { tokensPerSecond: …, source: "this run" }
 */
export async function torchTrainStep({
  batch,
  seq,
  quick,
  modelDir = tinyDir,
  python,
  timeoutMs = 300_000,
}) {
  const interpreter = python ?? process.env.KAIROS_PYTHON ?? "python3";
  if (!quick && (await imports(interpreter))) {
    try {
      const args = [script, "--batch", String(batch), "--seq", String(seq), "--model", modelDir];
      const { stdout } = await run(interpreter, args, { timeout: timeoutMs });
      return withLabel(JSON.parse(stdout.trim().split("\n").at(-1)), "this run");
    } catch (error) {
      console.warn(`train-step: ${script} failed, using its record: ${error.message}`);
    }
  }
  const record = JSON.parse(await readFile(recordPath, "utf8").catch(() => "null"));
  const model = basename(modelDir);
  const runs = Object.values(record?.runs ?? {}).filter((r) => r.model === model);
  const recorded = record?.runs?.[`${model} ${batch}x${seq}`] ?? runs[0];
  return recorded ? withLabel(recorded, `recorded ${recorded.date.slice(0, 10)}`) : null;
}

/** Whether `python` imports torch, peft and transformers (a minute at most: torch loads slowly). */
async function imports(python) {
  try {
    await run(python, ["-c", "import torch, peft, transformers"], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

function withLabel(r, source) {
  const label = `pytorch ${r.torch} + peft ${r.peft} (eager, ${r.attention}, ${r.threads} thread${r.threads === 1 ? "" : "s"})`;
  return { ...r, label, source };
}
