// What the trainer needs from a model (minGPT's habit: the trainer knows nothing of its insides):
// a chain of stages for a batch, the trainable parameters with their gradients, a forward loss.
import type { TokenBatch } from "../model/batch.js";
import type { ModelStage } from "../model/stage.js";
import type { ParameterRef } from "./adamw.js";

/** A model the {@link Trainer} can train, on batches of type `B` (a causal LM's by default). */
export interface Trainable<B = TokenBatch> {
  /** The chain [embed, blocks…, head+loss] for one batch. */
  stages(batch: B): ModelStage[];
  /** Trainable tensors with their gradient buffers (fixed for the model's life). */
  parameters(): ParameterRef[];
  /** Zeroes every trainable gradient. */
  zeroGrad(): void;
  /** The first stage's input for a batch (default `batch.ids`, a causal LM's token ids). */
  chainInput?(batch: B): Float32Array | Int32Array;
  /** Mean loss of a batch, forward only (evaluation: no dropout). */
  loss(batch: B): Promise<number>;
  /** Switches training-time randomness (dropout) on or off. */
  setTraining?(training: boolean): void;
}
