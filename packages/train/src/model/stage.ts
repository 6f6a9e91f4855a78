// A model stage: `@kairos/checkpointing`'s `Stage` over the model's buffers, a forward with or
// without keeping a context (drawing any randomness from the given stream, so a recomputation
// replays it), and a backward from (context, input, output gradient). Stage 0 takes token ids;
// the last returns `[loss]`.
import type { Stage, StageForwardOptions, StageForwardResult } from "@kairos/checkpointing";

/**
 * Options the executor passes to a forward: checkpointing's {@link StageForwardOptions}, where
 * `output` may be left out (true) by the model's own callers (evaluation, the memory runner).
 */
export type StageOptions = Omit<StageForwardOptions, "output"> &
  Partial<Pick<StageForwardOptions, "output">>;

/** What a backward needs beyond the stage input, with its size. */
export interface StageContext {
  bytes: number;
}

/**
 * Forward result of a stage: `output` is undefined only when the forward was asked for none;
 * `context` (absent when not saving) is what backward needs beyond the input.
 */
export type StageForward = StageForwardResult<Float32Array, StageContext>;

/** Live-byte counters of the pool a stage draws its buffers from (the model's `Scratch`). */
export interface LiveMemory {
  readonly liveBytes: number;
  readonly peakLiveBytes: number;
  resetPeak(): void;
}

/**
 * One link of the model's chain: a checkpointing {@link Stage} over Float32Array activations
 * (stage 0 takes the Int32Array token ids), so `execute()` runs the chain as it is.
 */
export interface ModelStage
  extends Stage<Float32Array | Int32Array, Float32Array, StageContext, Float32Array, Float32Array> {
  readonly name: string;
  /** Its buffer pool, so a runner can measure what a forward holds only while it runs. */
  readonly memory?: LiveMemory;
  forward(input: Float32Array | Int32Array, options: StageOptions): Promise<StageForward>;
  /**
   * The executor hands back an output or input gradient this stage returned once it is done with
   * it; the model's stages return those buffers to their pool.
   */
  release?(value: Float32Array): void;
  /** Accumulates parameter gradients; returns the gradient of the input (empty for stage 0). */
  backward(
    context: StageContext,
    input: Float32Array | Int32Array,
    dOutput: Float32Array,
  ): Promise<Float32Array>;
}

/** The output of a forward that was asked for one. */
export function outputOf(f: StageForward): Float32Array {
  if (!f.output) throw new Error("a stage forward asked for its output returned none");
  return f.output;
}

/** A stream that is never drawn from differently: for forwards without randomness (evaluation). */
export const noRandom = (): number => 0.5;
