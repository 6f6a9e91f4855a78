// One training batch for an encoder-decoder: B source sequences of Te tokens (with a padding
// mask), B decoder inputs of Td tokens (the labels shifted right, `_shift_right`) and their labels.

/** Inputs and labels of a `T5ForConditionalGeneration` step, flattened row-major. */
export interface Seq2SeqBatch {
  /** Encoder token ids `[batchSize · encoderLength]`. */
  inputIds: Int32Array;
  /** Encoder mask `[batchSize · encoderLength]` (1 = real token); absent means all real. */
  attentionMask?: Uint8Array;
  /** Decoder input ids `[batchSize · decoderLength]` (see {@link shiftRight}). */
  decoderInputIds: Int32Array;
  /** Label of each decoder position, −100 where no loss is taken, `[batchSize · decoderLength]`. */
  labels: Int32Array;
  batchSize: number;
  encoderLength: number;
  decoderLength: number;
}

/**
 * Decoder input ids from labels `[B·Td]` as `T5PreTrainedModel._shift_right`: the start token,
 * then each label but the last, −100 replaced by the pad id.
 */
export function shiftRight(
  labels: Int32Array,
  batchSize: number,
  decoderStartTokenId: number,
  padTokenId: number,
): Int32Array {
  const T = labels.length / batchSize;
  const out = new Int32Array(labels.length);
  for (let b = 0; b < batchSize; b++) {
    out[b * T] = decoderStartTokenId;
    for (let t = 1; t < T; t++) out[b * T + t] = labels[b * T + t - 1];
  }
  for (let i = 0; i < out.length; i++) if (out[i] === -100) out[i] = padTokenId;
  return out;
}

/** Checks a batch's sizes; throws a RangeError naming the field. */
export function checkSeq2SeqBatch(batch: Seq2SeqBatch, fn: string): void {
  for (const k of ["batchSize", "encoderLength", "decoderLength"] as const) {
    if (!Number.isInteger(batch[k]) || batch[k] <= 0)
      throw new RangeError(`${fn}: batch.${k} must be a positive integer, got ${batch[k]}`);
  }
  const ne = batch.batchSize * batch.encoderLength;
  const nd = batch.batchSize * batch.decoderLength;
  const sizes: [string, { length: number } | undefined, number][] = [
    ["inputIds", batch.inputIds, ne],
    ["attentionMask", batch.attentionMask, ne],
    ["decoderInputIds", batch.decoderInputIds, nd],
    ["labels", batch.labels, nd],
  ];
  for (const [name, a, n] of sizes) {
    if (a && a.length !== n)
      throw new RangeError(`${fn}: batch.${name} must have ${n} elements, got ${a.length}`);
    if (!a && name !== "attentionMask")
      throw new RangeError(`${fn}: batch.${name} must have ${n} elements, got none`);
  }
}
