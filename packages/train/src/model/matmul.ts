// The kernels the model calls on a `@kairos/lora` Backend: matmul with optional transposes and
// accumulation, and optionally the fused cross-entropy, attention, RMSNorm and SwiGLU ops. Typed as a slice of
// that contract so a naive test backend also fits.
import type { Backend } from "@kairos/lora";

export type { MatmulShape } from "@kairos/lora";

/**
 * The part of `@kairos/lora`'s `Backend` the model calls: `matmul`, and `crossEntropyRows`,
 * `attentionForward`/`attentionBackward`, `rmsNormForward`/`rmsNormBackward` and
 * `swigluForward`/`swigluBackward`, `axpy` and `retain` (a frozen weight kept resident) where the backend has them (without, the model runs lora's
 * naive kernels, `naiveCrossEntropyRows`, `naiveAttention*`, `naiveRmsNorm*` and
 * `naiveSwiglu*`, or a loop, in plain JS).
 */
export type MatmulBackend = Pick<Backend, "name" | "matmul"> &
  Partial<
    Pick<
      Backend,
      | "crossEntropyRows"
      | "attentionForward"
      | "attentionBackward"
      | "rmsNormForward"
      | "rmsNormBackward"
      | "swigluForward"
      | "swigluBackward"
      | "axpy"
      | "retain"
    >
  >;
