// A trainer checkpoint as two files, in memory: `trainer_state.safetensors` holds parameters,
// AdamW moments and the best parameters (`param/…`, `adam_m/…`, `adam_v/…`, `best/…`), and
// `trainer_state.json` the step, random state, early-stopping record and the losses so far.
import { type NamedTensor, readSafetensors, writeSafetensors } from "@kairos/lora";
import type { TrainerCheckpoint } from "./trainer.js";

/** The two files of a checkpoint. */
export interface CheckpointFiles {
  "trainer_state.safetensors": Uint8Array;
  "trainer_state.json": string;
}

/** Serialises a {@link TrainerCheckpoint}. */
export function serializeCheckpoint(c: TrainerCheckpoint): CheckpointFiles {
  const tensors = new Map<string, NamedTensor>();
  const put = (prefix: string, record: Record<string, Float32Array>) => {
    for (const [k, v] of Object.entries(record))
      tensors.set(`${prefix}/${k}`, { shape: [v.length], data: v });
  };
  put("param", c.parameters);
  put("adam_m", c.optimizer.m);
  put("adam_v", c.optimizer.v);
  if (c.best) put("best", c.best.parameters);
  const state = {
    step: c.step,
    optimizer_step: c.optimizer.step,
    rng: c.rng,
    evals_since_best: c.evalsSinceBest,
    best: c.best && { loss: c.best.loss, step: c.best.step },
    losses: c.losses,
    eval_losses: c.evalLosses,
  };
  return {
    "trainer_state.safetensors": writeSafetensors(tensors, { format: "kairos-trainer" }),
    "trainer_state.json": `${JSON.stringify(state, null, 2)}\n`,
  };
}

/** Parses {@link serializeCheckpoint}'s files. */
export function parseCheckpoint(files: CheckpointFiles): TrainerCheckpoint {
  const state = JSON.parse(files["trainer_state.json"]);
  const { tensors } = readSafetensors(files["trainer_state.safetensors"]);
  const take = (prefix: string) => {
    const out: Record<string, Float32Array> = {};
    for (const [k, t] of tensors)
      if (k.startsWith(`${prefix}/`)) out[k.slice(prefix.length + 1)] = t.data;
    return out;
  };
  return {
    step: state.step,
    rng: state.rng,
    optimizer: { step: state.optimizer_step, m: take("adam_m"), v: take("adam_v") },
    parameters: take("param"),
    best: state.best ? { ...state.best, parameters: take("best") } : null,
    evalsSinceBest: state.evals_since_best,
    losses: state.losses ?? [],
    evalLosses: state.eval_losses ?? [],
  };
}
