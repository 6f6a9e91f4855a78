// Options of the Trainer, their defaults and their validation.
import { checkKeys } from "../options/check-keys.js";
import type { ScheduleOptions } from "./schedule.js";
import type { TrainerCheckpoint } from "./trainer.js";

/** Reported after every optimizer step. */
export interface StepInfo {
  /** Optimizer steps done (1 after the first). */
  step: number;
  /** Mean loss over the accumulated micro-batches. */
  loss: number;
  lr: number;
  /** Gradient norm before clipping. */
  gradNorm: number;
  /** Wall-clock milliseconds of this step (its micro-batches and the optimizer update). */
  ms: number;
}

/** Reported after every evaluation. */
export interface EvalInfo {
  step: number;
  loss: number;
  bestLoss: number;
  bestStep: number;
}

/** Trainer options. Defaults: lr 1e-3, warmup 0, cosine decay, no accumulation, clip at 1. */
export interface TrainerOptions {
  /** Optimizer steps to run. */
  steps: number;
  lr?: number;
  minLr?: number;
  warmupSteps?: number;
  decay?: ScheduleOptions["decay"];
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  /** Micro-batches a step (gradient accumulation). */
  gradientAccumulation?: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  maxGradNorm?: number;
  /** Evaluate on the validation batches every this many steps (0 = never). */
  evalEvery?: number;
  /** Stop after this many evaluations without improvement, restoring the best parameters. */
  patience?: number;
  seed?: number;
  /** Hand a checkpoint to `onCheckpoint` every this many steps (0 = never, the default). */
  checkpointEvery?: number;
  onStep?: (info: StepInfo) => void;
  onEval?: (info: EvalInfo) => void;
  /** Receives each periodic checkpoint (after that step's evaluation); awaited before the next step. */
  onCheckpoint?: (checkpoint: TrainerCheckpoint) => void | Promise<void>;
}

/** Options with defaults filled in. */
export type ResolvedTrainerOptions = Required<
  Omit<TrainerOptions, "onStep" | "onEval" | "onCheckpoint" | "patience">
> &
  Pick<TrainerOptions, "onStep" | "onEval" | "onCheckpoint" | "patience">;

/** Every key of {@link TrainerOptions}, as unknown-option errors list them. */
export const TRAINER_OPTION_KEYS: readonly (keyof TrainerOptions)[] = [
  "steps",
  "lr",
  "minLr",
  "warmupSteps",
  "decay",
  "weightDecay",
  "beta1",
  "beta2",
  "gradientAccumulation",
  "maxGradNorm",
  "evalEvery",
  "patience",
  "seed",
  "checkpointEvery",
  "onStep",
  "onEval",
  "onCheckpoint",
];

/** Fills defaults and validates; errors name the option and its value. */
export function resolveTrainerOptions(o: TrainerOptions, fn = "Trainer()"): ResolvedTrainerOptions {
  checkKeys(fn, "", o, TRAINER_OPTION_KEYS);
  const r: ResolvedTrainerOptions = {
    lr: 1e-3,
    minLr: 0,
    warmupSteps: 0,
    decay: "cosine",
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.999,
    gradientAccumulation: 1,
    maxGradNorm: 1,
    evalEvery: 0,
    seed: 0,
    checkpointEvery: 0,
    ...o,
  };
  const int = (k: keyof TrainerOptions, min: number) => {
    const v = r[k] as number;
    if (!Number.isInteger(v) || v < min)
      throw new RangeError(`${fn}: ${k} must be an integer >= ${min}, got ${String(v)}`);
  };
  int("steps", 1);
  int("warmupSteps", 0);
  int("gradientAccumulation", 1);
  int("evalEvery", 0);
  int("checkpointEvery", 0);
  if (r.patience !== undefined) int("patience", 1);
  for (const k of ["lr", "minLr", "weightDecay", "maxGradNorm"] as const) {
    if (!(Number.isFinite(r[k]) && r[k] >= 0))
      throw new RangeError(`${fn}: ${k} must be a finite number >= 0, got ${String(r[k])}`);
  }
  if (!["cosine", "linear", "constant"].includes(r.decay)) {
    throw new RangeError(
      `${fn}: decay must be "cosine", "linear" or "constant", got ${JSON.stringify(r.decay)}`,
    );
  }
  return r;
}
