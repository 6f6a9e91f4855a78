/**
 * The LLMTime tokenizer (Gruver et al. 2023; ngruver/llmtime, data/serialize.py):
 * a series as text a language model reads digit by digit. Each scaled value
 * is written as its base-10 digits to a fixed precision, no decimal point and
 * no leading zeros (`0.5` at precision 3 is "5 0 0"), a sign token before a
 * negative one, digits and values separated as LLMTime's GPT settings do.
 * Decoding never throws on a model's malformed output.
 */
import { type DigitState, fitScaler } from "./llmtime-scaler.js";
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
 */
export class DigitTokenizer {
  readonly options: Readonly<Required<DigitTokenizerOptions>>;
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
   * for a target after its context) and writes them as text.
   *
   * @param values `[T]` values; NaN is missing
   * @returns the text, ending with `valueSeparator`, and the state that decodes it
   */
  encode(values: Series, state?: DigitState): { text: string; state: DigitState } {
    const fn = "encode()";
    checkSeries(fn, "values", values);
    checkValues(fn, "values", values);
    const { alpha, beta, maxValue, plusSign, minusSign, missingValue, valueSeparator } =
      this.options;
    const s = state === undefined ? fitScaler(values, alpha, beta) : checkState(fn, state);
    const parts: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (Number.isNaN(x)) {
        parts.push(missingValue);
        continue;
      }
      const v = (x - s.offset) / s.scale;
      if (!(Math.abs(v) <= maxValue)) {
        throw new RangeError(
          `${fn}: values[${i}] scales to ${v}, beyond maxValue ${maxValue}; raise maxValue`,
        );
      }
      parts.push((v >= 0 ? plusSign : minusSign) + this.#digits(Math.abs(v)));
    }
    return { text: parts.join(valueSeparator) + valueSeparator, state: { ...s } };
  }

  /**
   * Reads values back from text, LLMTime's `deserialize_str` then the inverse
   * scaling. Never throws on any string: a value with no digits, or with a
   * sign token it does not know, becomes NaN, as does the missing token; a
   * value's digits end at its first non-digit, and the last value, however
   * short, is read like the others unless `ignoreLast`.
   *
   * @returns `[steps]` values when `steps` is given (NaN when nothing parsed), else one per value
   */
  decode(text: string, state: DigitState, options: DigitDecodeOptions = {}): Float64Array {
    const fn = "decode()";
    checkString(fn, "text", text);
    const s = checkState(fn, state);
    checkOptions(fn, options, ["steps", "ignoreLast"]);
    const { steps, ignoreLast = false } = options;
    if (steps !== undefined) checkInteger(fn, "steps", steps, 0);
    let pieces = text.split(this.options.valueSeparator).filter((p) => p.length > 0);
    if (ignoreLast) pieces = pieces.slice(0, -1);
    if (steps !== undefined) pieces = pieces.slice(0, steps);
    const out = new Float64Array(steps ?? pieces.length).fill(Number.NaN);
    for (let i = 0; i < pieces.length; i++) out[i] = this.#read(pieces[i]) * s.scale + s.offset;
    for (let i = pieces.length; i > 0 && i < out.length; i++) out[i] = out[i - 1];
    return out;
  }

  /** LLMTime's `vec_num2repr` for one value >= 0, leading zeros dropped, with separators. */
  #digits(v: number): string {
    let rest = v;
    let text = "";
    for (const place of this.#places) {
      const digit = Math.trunc(rest / place); // numpy's astype(int)
      rest -= digit * place;
      if (digit !== 0 || text !== "") text += this.options.digitSeparator + digit;
    }
    return text === "" ? this.options.digitSeparator + "0" : text;
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
