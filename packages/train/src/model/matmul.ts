// The kernels the model calls on a `@kairos/lora` Backend: matmul with optional transposes and
// accumulation, and optionally the cross-entropy pass over the vocabulary. Typed as a slice of
// that contract so a naive test backend also fits.
import type { Backend } from "@kairos/lora";

export type { MatmulShape } from "@kairos/lora";

/**
 * The part of `@kairos/lora`'s `Backend` the model calls: `matmul`, and `crossEntropyRows` where
 * the backend has it (without, the loss runs lora's `naiveCrossEntropyRows` in plain JS).
 */
export type MatmulBackend = Pick<Backend, "name" | "matmul"> &
  Partial<Pick<Backend, "crossEntropyRows">>;
