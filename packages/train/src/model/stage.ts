// A model stage in the shape of `@kairos/checkpointing`'s `Stage`: forward with or without keeping
// a context (drawing any randomness from the given stream, so a recomputation replays it), and a
// backward from (context, input, output gradient). Stage 0 takes token ids; the last returns `[loss]`.

/** Options the executor passes to a forward. */
export interface StageOptions {
  save: boolean;
  /**
   * `false` (with `save`): checkpointing's context forward, right before this stage's backward —
   * build only the context; the output (a whole projection and a residual add) is not built and
   * comes back undefined. Default true.
   */
  output?: boolean;
  /**
   * `true` (with `save`): checkpointing's lean save — an attention stage keeps its log-sum-exps
   * and o_proj's context, and its backward rebuilds q, k, v; other stages keep their whole context.
   */
  lean?: boolean;
  /** Uniform [0, 1) stream of this stage for this step; the same on every recomputation. */
  rng: () => number;
}

/** Forward result of a stage. */
export interface StageForward {
  /** Undefined only when the forward was asked for no output. */
  output: Float32Array | undefined;
  /** What backward needs beyond the input (absent when not saving), with its size. */
  context?: { bytes: number };
}

/** Live-byte counters of the pool a stage draws its buffers from (the model's `Scratch`). */
export interface LiveMemory {
  readonly liveBytes: number;
  readonly peakLiveBytes: number;
  resetPeak(): void;
}

/** One link of the model's chain. */
export interface ModelStage {
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
    context: { bytes: number },
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
