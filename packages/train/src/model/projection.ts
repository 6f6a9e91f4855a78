// A linear map without bias, y = x Wᵀ with W `[out, in]` (PyTorch `nn.Linear` layout), through the
// Backend's matmul. `Projection` is the shape the model's blocks call, which `@kairos/lora`'s
// `LoRALinear` also has, so fine-tuning swaps a target module for a LoRA layer in place.
import type { MatmulBackend } from "./matmul.js";

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

/** The output of a forward asked for none (`output: false`): empty, shared, never written. */
export const NO_OUTPUT = new Float32Array(0);

/**
 * A dense projection over a shared weight buffer. With `grad` it is trainable (pretraining, full
 * fine-tuning): backward accumulates dW += dyᵀ x.
 */
export class DenseProjection implements Projection {
  constructor(
    readonly weight: Float32Array,
    readonly outFeatures: number,
    readonly inFeatures: number,
    readonly backend: MatmulBackend,
    readonly grad: Float32Array | null = null,
  ) {
    if (weight.length !== outFeatures * inFeatures) {
      throw new RangeError(
        `DenseProjection(): weight must have ${outFeatures}×${inFeatures} elements, got ${weight.length}`,
      );
    }
  }

  async forward(
    x: Float32Array,
    options: ProjectionOptions = {},
  ): Promise<{ output: Float32Array; context: Float32Array | null }> {
    // Only a trainable projection needs its input again (for dW); a frozen one keeps nothing.
    const context = options.save === false || !this.grad ? null : x;
    if (options.output === false) return { output: NO_OUTPUT, context };
    const rows = x.length / this.inFeatures;
    const output = options.out ?? new Float32Array(rows * this.outFeatures);
    await this.backend.matmul(x, this.weight, output, {
      m: rows,
      n: this.outFeatures,
      k: this.inFeatures,
      transposeB: true,
    });
    return { output, context };
  }

  async backward(
    context: unknown,
    dOutput: Float32Array,
    dxOut?: Float32Array,
  ): Promise<Float32Array> {
    const x = context as Float32Array | null;
    const rows = dOutput.length / this.outFeatures;
    const dx = dxOut ?? new Float32Array(rows * this.inFeatures);
    await this.backend.matmul(dOutput, this.weight, dx, {
      m: rows,
      n: this.inFeatures,
      k: this.outFeatures,
    });
    if (this.grad && x) {
      await this.backend.matmul(dOutput, x, this.grad, {
        m: this.outFeatures,
        n: this.inFeatures,
        k: rows,
        transposeA: true,
        accumulate: true,
      });
    }
    return dx;
  }
}
