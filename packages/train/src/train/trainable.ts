// What the trainer needs from a model (minGPT's habit: the trainer knows nothing of its insides):
// a chain of stages for a batch, the trainable parameters with their gradients, a forward loss.
import type { TokenBatch } from "../model/batch.js";
import type { ModelStage } from "../model/stage.js";
import type { ParameterRef } from "./adamw.js";

/**
 * A model the {@link Trainer} can train, over batches of type `Batch` (a causal LM's
 * {@link TokenBatch} by default; a seq2seq model's `Seq2SeqBatch`).
 */
export interface Trainable<Batch = TokenBatch> {
  /** The chain [embed, blocks…, head+loss] for one batch. */
  stages(batch: Batch): ModelStage[];
  /**
   * The chain's input: the first stage's token ids (default `batch.ids`, a TokenBatch's), or
   * values (Chronos-Bolt's context patches).
   */
  chainInput?(batch: Batch): Int32Array | Float32Array;
  /** Trainable tensors with their gradient buffers (fixed for the model's life). */
  parameters(): ParameterRef[];
  /** Zeroes every trainable gradient. */
  zeroGrad(): void;
  /** Mean loss of a batch, forward only (evaluation: no dropout). */
  loss(batch: Batch): Promise<number>;
  /** Switches training-time randomness (dropout) on or off. */
  setTraining?(training: boolean): void;
}
