// `kairos finetune --checkpoint-every N` and `--resume DIR`: the trainer's complete state
// (parameters, AdamW moments, step, random stream, early-stopping record, losses so far) written
// every N steps into `--out`/checkpoint (whole, then renamed), and read back to continue a killed
// run — with the same flags it ends bit-equal to the uninterrupted run. The finished run replaces
// `--out` whole, checkpoint included.

import { join } from "node:path";
import type { TrainerCheckpoint } from "@kairos/train";
import { loadCheckpoint, saveCheckpoint } from "@kairos/train/node";
import { UsageError } from "./usage-error.js";

/** Where in an output directory the periodic checkpoint lives. */
export const checkpointDir = (out: string) => join(out, "checkpoint");

/** Saves `checkpoint` into `out`'s checkpoint directory. */
export async function writeFinetuneCheckpoint(out: string, checkpoint: TrainerCheckpoint) {
  await saveCheckpoint(checkpointDir(out), checkpoint);
}

/**
 * The checkpoint `--resume dir` continues from, checked against the run's `steps`.
 *
 * @example
 * const resume = await readFinetuneCheckpoint("runs/spx", 400); // step 200 of 400
 */
export async function readFinetuneCheckpoint(
  dir: string,
  steps: number,
): Promise<TrainerCheckpoint> {
  let checkpoint: TrainerCheckpoint;
  try {
    checkpoint = await loadCheckpoint(checkpointDir(dir));
  } catch {
    throw new UsageError(
      `--resume: no checkpoint in ${checkpointDir(dir)} (a run writes one with --checkpoint-every), got ${dir}`,
    );
  }
  if (checkpoint.step >= steps) {
    throw new UsageError(
      `--resume: the checkpoint in ${dir} is at step ${checkpoint.step}, not before this run's ${steps} steps`,
    );
  }
  return checkpoint;
}
