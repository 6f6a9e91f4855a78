// The ids of the LLMTime text: LLMTime hands its text to a language model's own tokenizer; a
// model trained here reads one id per symbol instead — each digit, the value separator, the
// signs and the missing token — and the digit separator is only how the text spells them.
import type { DigitTokenizerOptions } from "./digit-tokenizer.js";
import { show } from "./validate.js";

/** Ids of {@link DigitTokenizer}'s vocabulary: PAD, EOS, the digits 0–9, then the symbols. */
export const DIGIT_IDS = Object.freeze({
  pad: 0,
  eos: 1,
  /** Digit d has id `zero + d`. */
  zero: 2,
  valueSeparator: 12,
  minusSign: 13,
  /** Emitted only when `plusSign` is not "". */
  plusSign: 14,
  missingValue: 15,
});

/** Number of ids: `[0, DIGIT_VOCAB_SIZE)`. */
export const DIGIT_VOCAB_SIZE = 16;

type Symbols = Required<
  Pick<
    DigitTokenizerOptions,
    "valueSeparator" | "digitSeparator" | "plusSign" | "minusSign" | "missingValue"
  >
>;

/**
 * Ids back to the text {@link DigitTokenizer.encode} writes for them: PAD is skipped, EOS ends the
 * text. Throws on an id outside the vocabulary (a model's ids never are).
 */
export function digitIdsToText(fn: string, ids: ArrayLike<number>, o: Symbols): string {
  let text = "";
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === DIGIT_IDS.eos) break;
    if (id === DIGIT_IDS.pad) continue;
    if (id >= DIGIT_IDS.zero && id < DIGIT_IDS.zero + 10 && Number.isInteger(id)) {
      text += o.digitSeparator + (id - DIGIT_IDS.zero);
    } else if (id === DIGIT_IDS.valueSeparator) text += o.valueSeparator;
    else if (id === DIGIT_IDS.minusSign) text += o.minusSign;
    else if (id === DIGIT_IDS.plusSign) text += o.plusSign;
    else if (id === DIGIT_IDS.missingValue) text += o.missingValue;
    else {
      throw new RangeError(
        `${fn}: ids[${i}] must be an integer in [0, ${DIGIT_VOCAB_SIZE}), got ${show(id)}`,
      );
    }
  }
  return text;
}
