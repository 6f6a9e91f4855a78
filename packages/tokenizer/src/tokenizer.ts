// The contract every tokenization scheme meets, so a trainer picks one by name and never knows
// which: values to ids (with a mask and the scale state decode needs) and ids back to values.
// Names follow Chronos (`encode` → `{ ids, mask, scale }`, `decode(ids, scale)`).
import type { Series } from "./validate.js";

/** Token ids and their mask, `[length]` each. */
export interface TokenIds {
  ids: Int32Array;
  /** 1 where the token carries an observed value (or a separator, EOS), 0 at PAD or missing. */
  mask: Uint8Array;
}

/** A tokenized context: its ids and mask, and the scale state that encodes its labels and decodes. */
export interface TokenEncoding<Scale = unknown> extends TokenIds {
  /** What {@link Tokenizer.encodeLabels} and {@link Tokenizer.decode} need (a number, an object…). */
  scale: Scale;
}

/** The ids a vocabulary reserves. */
export interface SpecialTokenIds {
  /** Padding and missing values. */
  pad: number;
  /** End of sequence. */
  eos: number;
}

/**
 * A tokenization scheme: `MeanScaleUniformBins` (Chronos) and `DigitTokenizer` (LLMTime)
 * implement it.
 *
 * @example
 * function roundTrip<S>(tok: Tokenizer<S>, values: number[]) {
 *   const { ids, scale } = tok.encode(values);
 *   return tok.decode(ids, scale); // close to values, within the scheme's resolution
 * }
 */
export interface Tokenizer<Scale = unknown> {
  /** Ids run over `[0, vocabSize)`. */
  readonly vocabSize: number;
  readonly specialIds: Readonly<SpecialTokenIds>;
  /** Tokenizes a context, fitting the scale state to it. */
  encode(values: Series): TokenEncoding<Scale>;
  /** Tokenizes the target that follows a context, with that context's scale state. */
  encodeLabels(target: Series, scale: Scale): TokenIds;
  /** Ids back to values, undoing the scaling; PAD and EOS give no value or NaN, as the scheme says. */
  decode(ids: ArrayLike<number>, scale: Scale): Float32Array | Float64Array;
}
