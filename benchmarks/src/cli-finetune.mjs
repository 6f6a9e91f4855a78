// `kairos finetune` as a user runs it, beside train-step's lora-100: the built CLI in a subprocess
// on its bundled default data (S&P 500 closes) with the same model and batch, reading the
// tokens/s and peak RSS it records in training.json. The check: the CLI adds no hidden
// cost to the step the benchmark times, and its whole process stays below PyTorch's.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const cli = join(dirname(fileURLToPath(import.meta.url)), "../../packages/cli/dist/main.js");

/**
 * Runs `kairos finetune --batch-size <batch>`, the README's main job (its defaults otherwise:
 * kairos-base-tiny, LoRA r 8 on q,k,v,o, store-all, one epoch; `steps` caps it) and returns what
 * it recorded; null where the CLI is not built.
 *
 * @param {{ batch: number, steps?: number, timeoutMs?: number }} options
 * @returns {Promise<{ tokensPerSecond: number, tokensPerStep: number, peakRssBytes: number, steps: number } | null>}
 * @example await cliFinetune({ batch: 8 }) // { tokensPerSecond: 27571, steps: 122, … }
 */
export async function cliFinetune({ batch, steps, timeoutMs = 300_000 }) {
  if (!existsSync(cli)) return null;
  const out = await mkdtemp(join(tmpdir(), "kairos-bench-cli-"));
  try {
    const args = [cli, "finetune", "--batch-size", String(batch)];
    if (steps !== undefined) args.push("--max-steps", String(steps));
    await run(process.execPath, [...args, "--out", out, "--folds", "1"], { timeout: timeoutMs });
    const record = JSON.parse(await readFile(join(out, "training.json"), "utf8"));
    const { tokensPerSecond, tokensPerStep, peakRssBytes } = record;
    return { tokensPerSecond, tokensPerStep, peakRssBytes, steps: record.steps };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
