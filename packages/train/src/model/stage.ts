// A model stage as the checkpointing executor runs it: forward with or without keeping a context,
// backward from that context. Stage 0 takes token ids; the last stage returns the loss `[1]`.

/** Forward result of a stage. */
export interface StageForward {
  output: Float32Array;
  /** What backward needs (null when forward was run without saving). */
  context: { bytes: number } | null;
}

/** One link of the model's chain. */
export interface ModelStage {
  readonly name: string;
  forward(input: Float32Array | Int32Array, save: boolean): Promise<StageForward>;
  /** Accumulates parameter gradients; returns the gradient of the input (empty for stage 0). */
  backward(context: { bytes: number }, dOutput: Float32Array): Promise<Float32Array>;
}
