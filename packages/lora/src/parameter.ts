// What a layer exposes to an optimizer and to adapter files.

/** A trainable tensor, its gradient (same length) and its shape. */
export interface Parameter {
  /** PEFT/PyTorch-style name within the layer, e.g. `"lora_A.weight"`. */
  name: string;
  value: Float32Array;
  grad: Float32Array;
  shape: number[];
}

/** Options of a layer's `forward`. */
export interface ForwardOptions {
  /** Keep the context backward needs (default true); false returns `context: null` and keeps nothing. */
  save?: boolean;
  /** Write the output `[R, O]` into this buffer (overwritten) instead of a new one: callers that pool buffers allocate nothing a step. */
  out?: Float32Array;
  /**
   * `false` (with `save`): build only the context backward needs, no output — activation
   * checkpointing recomputes a forward right before its backward, when nobody reads the output.
   * A frozen Linear then runs nothing, LoRA only its `x·Aᵀ`; the result's `output` is empty.
   */
  output?: boolean;
}
