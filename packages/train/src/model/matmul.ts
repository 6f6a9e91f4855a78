// The one kernel the model needs from a `@kairos/lora` Backend: matmul with optional transposes
// and accumulation. Typed structurally so any Backend (reference, wasm, gpu) fits.

/** Shape and flags of `out[M,N] (+)= alpha · op(a) · op(b)`, as `@kairos/lora`'s `MatmulShape`. */
export interface MatmulShape {
  m: number;
  n: number;
  k: number;
  transposeA?: boolean;
  transposeB?: boolean;
  accumulate?: boolean;
  alpha?: number;
}

/** The part of `@kairos/lora`'s `Backend` the model calls. */
export interface MatmulBackend {
  readonly name: string;
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    shape: MatmulShape,
  ): void | Promise<void>;
}
