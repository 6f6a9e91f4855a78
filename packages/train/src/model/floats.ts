// The array types the model's elementwise kernels accept: float32 in training, float64 in the
// finite-difference checks (the kernels are written once for both).

/** A float buffer, row-major. */
export type Floats = Float32Array | Float64Array;
