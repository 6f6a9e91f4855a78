// The training loop (minGPT's `Trainer`, llm.c's step): micro-batches with gradient accumulation,
// global-norm clipping, AdamW on the model's trainable parameters under a warmup+decay schedule,
// evaluation every N steps with early stopping that restores the best parameters, and a complete
// checkpoint (parameters, optimizer, step, random state) so a resumed run equals an uninterrupted
// one. It knows nothing of the model's insides and never prints: it reports through callbacks.

import { Random, type RandomState } from "@kairos/lora";
import type { TokenBatch } from "../model/batch.js";
import { AdamW, type AdamWState, type ParameterRef } from "./adamw.js";
import { clipGradNorm } from "./clip.js";
import { learningRate } from "./schedule.js";
import { type StepRunner, storeAllRunner } from "./step-runner.js";
import type { Trainable } from "./trainable.js";
import {
  type ResolvedTrainerOptions,
  resolveTrainerOptions,
  type StepInfo,
  type TrainerOptions,
} from "./trainer-options.js";

/** Where batches come from: a training batch drawn with the trainer's generator, validation batches. */
export interface TrainerData<Batch = TokenBatch> {
  /** Draws one training batch; all its randomness must come from `rng` (so resuming replays it). */
  train(rng: Random): Batch;
  /** Fixed validation batches (a time split), evaluated every `evalEvery` steps. */
  validation?: Batch[];
}

/** Everything a resumed run needs. */
export interface TrainerCheckpoint {
  step: number;
  rng: RandomState;
  optimizer: AdamWState;
  parameters: Record<string, Float32Array>;
  best: { loss: number; step: number; parameters: Record<string, Float32Array> } | null;
  evalsSinceBest: number;
  /** Losses of the steps done, and the evaluations, so a resumed run reports the whole run. */
  losses: number[];
  evalLosses: { step: number; loss: number }[];
}

/** Result of {@link Trainer.run}. */
export interface TrainResult {
  steps: number;
  losses: number[];
  evalLosses: { step: number; loss: number }[];
  bestEvalLoss: number | null;
  bestStep: number | null;
  stoppedEarly: boolean;
}

function snapshot(params: ParameterRef[]): Record<string, Float32Array> {
  return Object.fromEntries(params.map((p) => [p.name, Float32Array.from(p.value)]));
}

/** Trains a {@link Trainable} with AdamW; see {@link TrainerOptions}. Generic over the batch type. */
export class Trainer<Batch = TokenBatch> {
  readonly options: ResolvedTrainerOptions;
  readonly optimizer: AdamW;
  private readonly params: ParameterRef[];
  private rng: Random;
  private stepCount = 0;
  private best: TrainerCheckpoint["best"] = null;
  private evalsSinceBest = 0;
  private losses: number[] = [];
  private evalLosses: { step: number; loss: number }[] = [];

  constructor(
    readonly model: Trainable<Batch>,
    readonly data: TrainerData<Batch>,
    options: TrainerOptions,
    readonly runner: StepRunner = storeAllRunner,
  ) {
    this.options = resolveTrainerOptions(options);
    if (this.options.evalEvery > 0 && !data.validation?.length) {
      throw new RangeError(
        `Trainer(): evalEvery ${this.options.evalEvery} needs data.validation batches, got none`,
      );
    }
    this.params = model.parameters();
    const o = this.options;
    this.optimizer = new AdamW(this.params, {
      beta1: o.beta1,
      beta2: o.beta2,
      weightDecay: o.weightDecay,
    });
    this.rng = new Random(o.seed);
  }

  /** Optimizer steps done. */
  get step(): number {
    return this.stepCount;
  }

  /** One optimizer step; throws naming the step on a NaN or infinite loss or gradient. */
  async trainStep(): Promise<StepInfo> {
    const o = this.options;
    const step = this.stepCount + 1;
    const startedAt = performance.now();
    this.model.zeroGrad();
    this.model.setTraining?.(true);
    let loss = 0;
    for (let micro = 0; micro < o.gradientAccumulation; micro++) {
      const batch = this.data.train(this.rng);
      const seed = this.rng.nextUint32();
      const input = this.model.chainInput
        ? this.model.chainInput(batch)
        : (batch as unknown as TokenBatch).ids;
      const l = await this.runner.run(
        this.model.stages(batch),
        input,
        1 / o.gradientAccumulation,
        seed,
      );
      if (!Number.isFinite(l))
        throw new Error(`Trainer: loss is ${l} at step ${step} (micro-batch ${micro})`);
      loss += l / o.gradientAccumulation;
    }
    const gradNorm = clipGradNorm(
      this.params.map((p) => p.grad),
      o.maxGradNorm,
    );
    if (!Number.isFinite(gradNorm))
      throw new Error(`Trainer: gradient norm is ${gradNorm} at step ${step}`);
    const lr = learningRate(this.stepCount, { ...o, totalSteps: o.steps });
    this.optimizer.update(lr);
    this.stepCount = step;
    this.losses.push(loss);
    const info = { step, loss, lr, gradNorm, ms: performance.now() - startedAt };
    o.onStep?.(info);
    return info;
  }

  /** Mean loss over the validation batches (no dropout). */
  async evaluate(): Promise<number> {
    const batches = this.data.validation ?? [];
    let total = 0;
    for (const b of batches) total += await this.model.loss(b);
    return total / batches.length;
  }

  /** Runs until `steps` or early stopping; restores the best parameters when evaluating. */
  async run(): Promise<TrainResult> {
    const o = this.options;
    let stoppedEarly = false;
    // The starting point is a candidate too (step 0: the base model, LoRA's B being zero): a
    // fine-tune that no step of which improves the validation loss gives back the base model
    // instead of its least bad step.
    if (o.evalEvery > 0 && this.stepCount === 0 && this.evalLosses.length === 0) {
      await this.recordEval();
    }
    while (this.stepCount < o.steps) {
      await this.trainStep();
      if (o.evalEvery > 0 && (this.stepCount % o.evalEvery === 0 || this.stepCount === o.steps)) {
        await this.recordEval();
        if (o.patience !== undefined && this.evalsSinceBest >= o.patience) {
          stoppedEarly = true;
          break;
        }
      }
      if (o.checkpointEvery > 0 && this.stepCount % o.checkpointEvery === 0)
        await o.onCheckpoint?.(this.checkpoint());
    }
    if (this.best) for (const p of this.params) p.value.set(this.best.parameters[p.name]);
    this.model.setTraining?.(false); // the trained model is for inference now: no dropout
    return {
      steps: this.stepCount,
      losses: [...this.losses],
      evalLosses: [...this.evalLosses],
      bestEvalLoss: this.best?.loss ?? null,
      bestStep: this.best?.step ?? null,
      stoppedEarly,
    };
  }

  /** Evaluates now, keeps the parameters when they are the best so far, reports it. */
  private async recordEval(): Promise<void> {
    const loss = await this.evaluate();
    if (!Number.isFinite(loss))
      throw new Error(`Trainer: validation loss is ${loss} at step ${this.stepCount}`);
    this.evalLosses.push({ step: this.stepCount, loss });
    if (!this.best || loss < this.best.loss) {
      this.best = { loss, step: this.stepCount, parameters: snapshot(this.params) };
      this.evalsSinceBest = 0;
    } else this.evalsSinceBest++;
    this.options.onEval?.({
      step: this.stepCount,
      loss,
      bestLoss: this.best.loss,
      bestStep: this.best.step,
    });
  }

  /** A deep copy of the state, enough to resume exactly. */
  checkpoint(): TrainerCheckpoint {
    return {
      step: this.stepCount,
      rng: this.rng.state(),
      optimizer: this.optimizer.state(),
      parameters: snapshot(this.params),
      best: this.best && { ...this.best, parameters: { ...this.best.parameters } },
      evalsSinceBest: this.evalsSinceBest,
      losses: [...this.losses],
      evalLosses: this.evalLosses.map((e) => ({ ...e })),
    };
  }

  /** Restores a {@link Trainer.checkpoint}; the next steps are those the original run would take. */
  restore(c: TrainerCheckpoint): void {
    for (const p of this.params) {
      const v = c.parameters[p.name];
      if (!v || v.length !== p.value.length) {
        throw new RangeError(
          `Trainer.restore(): checkpoint has no parameter ${p.name} of ${p.value.length} elements`,
        );
      }
      p.value.set(v);
    }
    this.optimizer.load(c.optimizer);
    this.rng = Random.fromState(c.rng);
    this.stepCount = c.step;
    this.best = c.best;
    this.evalsSinceBest = c.evalsSinceBest;
    this.losses = [...(c.losses ?? [])];
    this.evalLosses = (c.evalLosses ?? []).map((e) => ({ ...e }));
  }
}
