// `Projection`: the shape of a linear layer the model's blocks call. `@kairos/lora`'s `Linear`
// (the model's own projections, frozen or accumulating into the model's gradients) and
// `LoRALinear` both have it, so fine-tuning swaps a target module for a LoRA layer in place.

/** Options of a projection's forward (as `@kairos/lora` layers take them). */
export interface ProjectionOptions {
  save?: boolean;
  dropoutSeed?: number;
  /** Write the output into this `[rows, out]` buffer (overwritten) instead of a new one. */
  out?: Float32Array;
  /** `false` (with `save`): build only the context; `output` is then empty (as `@kairos/lora`). */
  output?: boolean;
}

/** What a block needs from a linear layer (frozen, trainable, or LoRA-wrapped). */
export interface Projection {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /**
   * y[rows, out] for x[rows, in]; with `save` (default true) the context holds what backward
   * needs. `dropoutSeed` fixes a LoRA dropout mask so a recomputation draws the same one.
   */
  forward(
    x: Float32Array,
    options?: ProjectionOptions,
  ): Promise<{ output: Float32Array; context: unknown }>;
  /** Accumulates parameter gradients and returns dx[rows, in] (into `dx` when given, overwritten). */
  backward(context: unknown, dOutput: Float32Array, dx?: Float32Array): Promise<Float32Array>;
}
