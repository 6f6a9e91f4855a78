// A model stage in the shape of `@kairos/checkpointing`'s `Stage`: forward with or without keeping
// a context (drawing any randomness from the given stream, so a recomputation replays it), and a
// backward from (context, input, output gradient). Stage 0 takes token ids; the last returns `[loss]`.

/** Options the executor passes to a forward. */
export interface StageOptions {
  save: boolean;
  /** Uniform [0, 1) stream of this stage for this step; the same on every recomputation. */
  rng: () => number;
}

/** Forward result of a stage. */
export interface StageForward {
  output: Float32Array;
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

/** A stream that is never drawn from differently: for forwards without randomness (evaluation). */
export const noRandom = (): number => 0.5;
