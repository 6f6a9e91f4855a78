// The kernel the model calls on a `@kairos/lora` Backend: matmul with optional transposes and
// accumulation. Typed as a slice of that contract so a naive test backend also fits.
import type { Backend } from "@kairos/lora";

export type { MatmulShape } from "@kairos/lora";

/** The part of `@kairos/lora`'s `Backend` the model calls. */
export type MatmulBackend = Pick<Backend, "name" | "matmul">;
