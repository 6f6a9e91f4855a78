/**
 * The LLMTime tokenizer (Gruver et al. 2023; ngruver/llmtime, data/serialize.py):
 * a series as text a language model reads digit by digit. Each scaled value
 * is written as its base-10 digits to a fixed precision, no decimal point and
 * no leading zeros (`0.5` at precision 3 is "5 0 0"), a sign token before a
 * negative one, digits and values separated as LLMTime's GPT settings do.
 * Decoding never throws on a model's malformed output.
 */
import { DIGIT_IDS, DIGIT_VOCAB_SIZE, digitIdsToText } from "./digit-vocabulary.js";
import { type DigitState, fitScaler } from "./llmtime-scaler.js";
import type { SpecialTokenIds, TokenEncoding, TokenIds, Tokenizer } from "./tokenizer.js";
import {
  checkFinite,
  checkInteger,
  checkOptions,
  checkSeries,
  checkString,
  checkValues,
  type Series,
  show,
} from "./validate.js";

/** Options of {@link DigitTokenizer}; defaults are LLMTime's. */
export interface DigitTokenizerOptions {
  /** Digits after the implicit decimal point. Default 3. */
  precision?: number;
  /** Between values (LLMTime `time_sep`); the text ends with one too. Default " ,". */
  valueSeparator?: string;
  /** Before each digit (LLMTime `bit_sep`); may be "". Default " ". */
  digitSeparator?: string;
  /** Before a value >= 0. Default "". */
  plusSign?: string;
  /** Before a value < 0. Default " -". */
  minusSign?: string;
  /** A missing value (NaN). Default " Nan". */
  missingValue?: string;
  /** Quantile of the shifted history that scales to 1. Default 0.95. */
  alpha?: number;
  /** Shift below the minimum, as a fraction of the range. Default 0.3. */
  beta?: number;
  /** Largest absolute scaled value that may be written. Default 1e7. */
  maxValue?: number;
}

/**
 * What {@link DigitTokenizer.encode} returns: the text and the state that decodes it, and the same
 * text as ids, one a symbol (see `DIGIT_IDS`), with `scale` the same state (the
 * {@link Tokenizer} name for it). The mask is 0 at a missing value's token.
 */
export interface DigitEncoding extends TokenEncoding<DigitState> {
  text: string;
  state: DigitState;
}

/** Options of {@link DigitTokenizer.decode}. */
export interface DigitDecodeOptions {
  /** Values wanted: more are cut; fewer are padded with the last (LLMTime's `handle_prediction`). */
  steps?: number;
  /** Drop the last value, which a token limit may have cut short (LLMTime's `ignore_last`). */
  ignoreLast?: boolean;
}

const DEFAULTS: Required<DigitTokenizerOptions> = {
  precision: 3,
  valueSeparator: " ,",
  digitSeparator: " ",
  plusSign: "",
  minusSign: " -",
  missingValue: " Nan",
  alpha: 0.95,
  beta: 0.3,
  maxValue: 1e7,
};

const DIGIT = /^[0-9]$/;

/**
 * Series to LLMTime text and back.
 *
 * @example
 * const tok = new DigitTokenizer();
 * const { text, state } = tok.encode([101.5, 102.25, Number.NaN, 99]);
 * // text " 8 3 7 , 1 0 1 8 , Nan , 2 3 4 ,", state { offset: 98.025, scale: 4.15 }
 * const values = tok.decode(modelOutput, state, { steps: 24 });
 * // or as ids: tok.encode(values).ids, and tok.decode(sampledIds, state)
 */
export class DigitTokenizer implements Tokenizer<DigitState> {
  readonly options: Readonly<Required<DigitTokenizerOptions>>;
  /** 16 ids: PAD, EOS, ten digits, value separator, minus, plus, missing. */
  readonly vocabSize = DIGIT_VOCAB_SIZE;
  readonly specialIds: Readonly<SpecialTokenIds> = Object.freeze({
    pad: DIGIT_IDS.pad,
    eos: DIGIT_IDS.eos,
  });
  /** 10^(intDigits - 1) down to 10^-precision: the place values, as LLMTime computes them. */
  readonly #places: number[];

  constructor(options: DigitTokenizerOptions = {}) {
    const fn = "DigitTokenizer()";
    checkOptions(fn, options, Object.keys(DEFAULTS));
    const o = { ...DEFAULTS };
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) (o as Record<string, unknown>)[key] = value;
    }
    checkInteger(fn, "precision", o.precision, 0, 15);
    for (const name of [
      "valueSeparator",
      "digitSeparator",
      "plusSign",
      "minusSign",
      "missingValue",
    ] as const) {
      if (/[0-9]/.test(checkString(fn, name, o[name]))) {
        throw new RangeError(`${fn}: ${name} must hold no digit, got ${show(o[name])}`);
      }
    }
    for (const name of ["valueSeparator", "minusSign", "missingValue"] as const) {
      if (o[name] === "") throw new RangeError(`${fn}: ${name} must not be empty, got ""`);
    }
    if (o.plusSign.startsWith(o.minusSign)) {
      throw new RangeError(
        `${fn}: plusSign must not start with minusSign, got ${show(o.plusSign)}`,
      );
    }
    if (!(checkFinite(fn, "alpha", o.alpha) > 0 && o.alpha <= 1)) {
      throw new RangeError(`${fn}: alpha must be in (0, 1], got ${o.alpha}`);
    }
    if (!(checkFinite(fn, "beta", o.beta) >= 0)) {
      throw new RangeError(`${fn}: beta must be >= 0, got ${o.beta}`);
    }
    if (
      !(checkFinite(fn, "maxValue", o.maxValue) > 0 && o.maxValue * 10 ** o.precision <= 2 ** 53)
    ) {
      throw new RangeError(
        `${fn}: maxValue must be > 0 with maxValue * 10^precision <= 2^53, got ${o.maxValue}`,
      );
    }
    this.options = Object.freeze(o);
    // LLMTime's max_bit_pos: the integer digits maxValue allows for.
    const intDigits = Math.max(0, Math.ceil(Math.log(o.maxValue) / Math.log(10)));
    // Python's 10.0 ** -k is the double nearest 10^-k; V8's 10 ** -k is not always.
    this.#places = [];
    for (let k = intDigits - 1; k >= -o.precision; k--) {
      this.#places.push(k >= 0 ? 10 ** k : 1 / 10 ** -k);
    }
  }

  /**
   * Scales `values` (LLMTime: by their own history, or by a given `state`, as
   * for a target after its context) and writes them as text, and as ids.
   *
   * @param values `[T]` values; NaN is missing
   * @returns the text, ending with `valueSeparator`, the state that decodes it,
   *   and the text's ids and mask (`[symbols]`); `scale` is the state too
   */
  encode(values: Series, state?: DigitState): DigitEncoding {
    const fn = "encode()";
    checkSeries(fn, "values", values);
    checkValues(fn, "values", values);
    const { alpha, beta, maxValue, plusSign, minusSign, missingValue, valueSeparator } =
      this.options;
    const s = state === undefined ? fitScaler(values, alpha, beta) : checkState(fn, state);
    const parts: string[] = [];
    const ids: number[] = [];
    const mask: number[] = [];
    const emit = (id: number, observed = 1) => {
      ids.push(id);
      mask.push(observed);
    };
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (Number.isNaN(x)) {
        parts.push(missingValue);
        emit(DIGIT_IDS.missingValue, 0);
        emit(DIGIT_IDS.valueSeparator);
        continue;
      }
      const v = (x - s.offset) / s.scale;
      if (!(Math.abs(v) <= maxValue)) {
        throw new RangeError(
          `${fn}: values[${i}] scales to ${v}, beyond maxValue ${maxValue}; raise maxValue`,
        );
      }
      if (v < 0) emit(DIGIT_IDS.minusSign);
      else if (plusSign !== "") emit(DIGIT_IDS.plusSign);
      const digits = this.#digits(Math.abs(v));
      for (const d of digits) emit(DIGIT_IDS.zero + d);
      emit(DIGIT_IDS.valueSeparator);
      const sep = this.options.digitSeparator;
      parts.push((v >= 0 ? plusSign : minusSign) + digits.map((d) => sep + d).join(""));
    }
    if (values.length === 0) emit(DIGIT_IDS.valueSeparator); // the text's lone separator
    const text = parts.join(valueSeparator) + valueSeparator;
    const scale = { ...s };
    return { text, state: scale, ids: Int32Array.from(ids), mask: Uint8Array.from(mask), scale };
  }

  /**
   * Ids and mask of a target after its context, scaled by the context's state
   * (`encode(target, state)` without the text).
   *
   * @param scale the `state` (or `scale`) that {@link encode} returned for the context
   */
  encodeLabels(target: Series, scale: DigitState): TokenIds {
    const { ids, mask } = this.encode(target, scale);
    return { ids, mask };
  }

  /**
   * Reads values back from text, LLMTime's `deserialize_str` then the inverse
   * scaling. Never throws on any string: a value with no digits, or with a
   * sign token it does not know, becomes NaN, as does the missing token; a
   * value's digits end at its first non-digit, and the last value, however
   * short, is read like the others unless `ignoreLast`.
   *
   * @param text the text, or its ids (as {@link encode} gives them; PAD is
   *   skipped, EOS ends them; an id outside the vocabulary throws)
   * @returns `[steps]` values when `steps` is given (NaN when nothing parsed), else one per value
   */
  decode(
    text: string | ArrayLike<number>,
    state: DigitState,
    options: DigitDecodeOptions = {},
  ): Float64Array {
    const fn = "decode()";
    const source = checkString(
      fn,
      "text",
      typeof text === "string" || !isIds(text) ? text : digitIdsToText(fn, text, this.options),
    );
    const s = checkState(fn, state);
    checkOptions(fn, options, ["steps", "ignoreLast"]);
    const { steps, ignoreLast = false } = options;
    if (steps !== undefined) checkInteger(fn, "steps", steps, 0);
    let pieces = source.split(this.options.valueSeparator).filter((p) => p.length > 0);
    if (ignoreLast) pieces = pieces.slice(0, -1);
    if (steps !== undefined) pieces = pieces.slice(0, steps);
    const out = new Float64Array(steps ?? pieces.length).fill(Number.NaN);
    for (let i = 0; i < pieces.length; i++) out[i] = this.#read(pieces[i]) * s.scale + s.offset;
    for (let i = pieces.length; i > 0 && i < out.length; i++) out[i] = out[i - 1];
    return out;
  }

  /** LLMTime's `vec_num2repr` for one value >= 0: its digits, leading zeros dropped ([0] for 0). */
  #digits(v: number): number[] {
    let rest = v;
    const digits: number[] = [];
    for (const place of this.#places) {
      const digit = Math.trunc(rest / place); // numpy's astype(int)
      rest -= digit * place;
      if (digit !== 0 || digits.length > 0) digits.push(digit);
    }
    return digits.length === 0 ? [0] : digits;
  }

  /** One value's text to its scaled value, NaN when it holds no digit. */
  #read(piece: string): number {
    const { plusSign, minusSign, missingValue, digitSeparator, precision } = this.options;
    if (piece.trim() === missingValue.trim()) return Number.NaN;
    const negative = piece.startsWith(minusSign);
    if (!negative && !piece.startsWith(plusSign)) return Number.NaN;
    const body = piece.slice(negative ? minusSign.length : plusSign.length).trimStart();
    // As LLMTime: each separated piece counts by its first character; empty pieces are skipped.
    const bits =
      digitSeparator === "" ? [...body] : body.split(digitSeparator).map((b) => b.slice(0, 1));
    let n = 0;
    let count = 0;
    for (const b of bits) {
      if (b === "") continue;
      if (!DIGIT.test(b)) break;
      n = n * 10 + Number(b);
      count++;
    }
    if (count === 0) return Number.NaN;
    const unit = 1 / 10 ** precision;
    const v = n * unit + 0.5 * unit; // LLMTime's half-bin correction
    return negative ? -v : v;
  }
}

function isIds(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

function checkState(fn: string, state: unknown): DigitState {
  if (typeof state !== "object" || state === null) {
    throw new TypeError(`${fn}: state must be { offset, scale } from encode(), got ${show(state)}`);
  }
  const { offset, scale } = state as DigitState;
  checkFinite(fn, "state.offset", offset);
  if (!(checkFinite(fn, "state.scale", scale) > 0)) {
    throw new RangeError(`${fn}: state.scale must be > 0, got ${scale}`);
  }
  return { offset, scale };
}
