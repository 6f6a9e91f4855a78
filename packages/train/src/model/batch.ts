// One training batch for the causal LM: B sequences of T tokens, with next-token labels.

/** Token ids and next-token labels of B sequences of T positions, flattened row-major. */
export interface TokenBatch {
  /** Input token ids `[batchSize · seqLen]`. */
  ids: Int32Array;
  /** Label of each position (the next token), −100 where no loss is taken, `[batchSize · seqLen]`. */
  labels: Int32Array;
  batchSize: number;
  seqLen: number;
  /** Attention mask `[batchSize · seqLen]` (1 = real token); absent means all real. */
  keyMask?: Uint8Array;
}

/** Checks a batch's sizes; throws a RangeError naming the field. */
export function checkBatch(batch: TokenBatch, fn: string): void {
  const n = batch.batchSize * batch.seqLen;
  if (!Number.isInteger(batch.batchSize) || batch.batchSize <= 0) {
    throw new RangeError(
      `${fn}: batch.batchSize must be a positive integer, got ${batch.batchSize}`,
    );
  }
  if (!Number.isInteger(batch.seqLen) || batch.seqLen <= 0) {
    throw new RangeError(`${fn}: batch.seqLen must be a positive integer, got ${batch.seqLen}`);
  }
  if (batch.ids.length !== n)
    throw new RangeError(`${fn}: batch.ids must have ${n} elements, got ${batch.ids.length}`);
  if (batch.labels.length !== n) {
    throw new RangeError(`${fn}: batch.labels must have ${n} elements, got ${batch.labels.length}`);
  }
  if (batch.keyMask && batch.keyMask.length !== n) {
    throw new RangeError(
      `${fn}: batch.keyMask must have ${n} elements, got ${batch.keyMask.length}`,
    );
  }
}
