// The output of a forward asked for none: checkpointing's context forward (`output: false`) builds
// only what backward needs, and every layer (here and in a model built on them) returns this.

/**
 * The `output` of a forward run with `output: false`: empty, shared, never written. Compare by
 * identity (or by its zero length) to tell a context forward's result from a real output.
 *
 * @example
 * const { output } = await linear.forward(x, { output: false });
 * output === NO_OUTPUT; // true
 */
export const NO_OUTPUT = new Float32Array(0);
