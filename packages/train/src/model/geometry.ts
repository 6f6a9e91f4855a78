// The shape of one batch as the blocks see it: B sequences of T positions, flattened to B·T rows.

/** Batch geometry shared by a model's stages for one step. */
export interface Geometry {
  /** Sequences in the batch. */
  batchSize: number;
  /** Positions per sequence. */
  seqLen: number;
  /** 1 = real token, 0 = padding, `[batchSize · seqLen]`; padded keys get no attention. */
  keyMask: Uint8Array | null;
}
