// The options of `finetune()`, in groups: LoRA, trainer, memory and data. Each group is checked
// on its own, so a misplaced or misspelt key is named with every key its group accepts.

import type { Backend } from "@kairos/lora";
import type { LoraOptions } from "../family/forecast-model.js";
import { checkKeys } from "../options/check-keys.js";
import { MEMORY_OPTION_KEYS, type MemoryOptions } from "../train/memory-runner.js";
import type { TrainerCheckpoint } from "../train/trainer.js";
import { TRAINER_OPTION_KEYS, type TrainerOptions } from "../train/trainer-options.js";
import type { FinetuneSplitOptions } from "./finetune-split.js";
import { LORA_OPTION_KEYS } from "./lora-model.js";

/** Which windows `finetune()` trains and validates on, and how many a step. */
export interface FinetuneDataOptions extends FinetuneSplitOptions {
  /** Windows a micro-batch (default 8). */
  batchSize?: number;
  /** At most this many validation windows, evenly spaced (default 64). */
  maxValidationWindows?: number;
}

/** Options of `finetune()`. Only `backend` and `trainer.steps` are required. */
export interface FinetuneOptions {
  /** The backend the LoRA layers run on (the model's own backend is used for its matmuls). */
  backend: Backend;
  /** LoRA hyper-parameters: rank, alpha, dropout, targetModules, useRslora, init. */
  /** Target module names are the family's (a Llama's q_proj…, a T5's q…); it checks them. */
  lora?: Omit<LoraOptions, "seed">;
  /** Optimizer steps, learning-rate schedule, evaluation, early stopping, callbacks. */
  trainer: Omit<TrainerOptions, "seed">;
  /** Activation memory: a byte budget and the checkpointing strategy. */
  memory?: MemoryOptions;
  /** Batch size, validation and test parts, stride, context lengths. */
  data?: FinetuneDataOptions;
  /** Seeds LoRA's initialisation, dropout and the batch order (default 0). */
  seed?: number;
  /**
   * Continue a run from one of its checkpoints (`trainer.onCheckpoint`): with the same series and
   * options, it ends as the uninterrupted run does, bit for bit.
   */
  resume?: TrainerCheckpoint;
}

const GROUPS = ["backend", "lora", "trainer", "memory", "data", "seed", "resume"];
const DATA_KEYS: readonly (keyof FinetuneDataOptions)[] = [
  "batchSize",
  "validation",
  "test",
  "stride",
  "minContext",
  "contextLength",
  "predictionLength",
  "maxValidationWindows",
];

/** Checks every group's keys (seed is top-level only) and the data group's integers. */
export function checkFinetuneOptions(options: FinetuneOptions): void {
  const fn = "finetune()";
  checkKeys(fn, "", options, GROUPS);
  if (options.trainer === undefined) {
    throw new TypeError(`${fn}: trainer must be given, with at least steps; got undefined`);
  }
  const withoutSeed = (keys: readonly string[]) => keys.filter((k) => k !== "seed");
  checkKeys(fn, "lora", options.lora, withoutSeed(LORA_OPTION_KEYS));
  checkKeys(fn, "trainer", options.trainer, withoutSeed(TRAINER_OPTION_KEYS));
  checkKeys(fn, "memory", options.memory, MEMORY_OPTION_KEYS);
  checkKeys(fn, "data", options.data, DATA_KEYS);
  for (const key of ["batchSize", "maxValidationWindows"] as const) {
    const v = options.data?.[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`${fn}: data.${key} must be a positive integer, got ${v}`);
    }
  }
}
