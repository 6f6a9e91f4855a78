/**
 * Kairos's own tokenizer: robust location-scale (instance) normalisation of each context
 * (median and IQR, as GluonTS's `RobustScaler` and Lag-Llama), then uniform bins over
 * [low, high] in those units, with a larger vocabulary than Chronos's mean scaling needs.
 * Mean scaling divides by the level, so a small swing on a high level (CO2: 6 ppm on 400)
 * falls inside one bin; centring on the median and dividing by the spread resolves it.
 * Values beyond [low, high] clamp to the edge bins. NaN is a missing value: PAD, mask 0.
 * Works in float64 (no reference to match bit for bit).
 */

import { type RobustScale, robustScale } from "./robust-scale.js";
import {
  type RobustScaleConfig,
  type RobustScaleUniformBinsOptions,
  robustScaleConfig,
} from "./robust-scale-options.js";
import type { SpecialTokenIds, TokenEncoding, TokenIds, Tokenizer } from "./tokenizer.js";
import { checkSeries, checkValues, type Series, show } from "./validate.js";

/**
 * Series to robust-scaled bin ids and back.
 *
 * Bin k (id `nSpecialTokens + k`) has centre `low + (high - low) k / (bins - 1)`, in units of
 * the scale: a value decodes to `centre × scale + location`, within half a bin,
 * `(high - low) / (bins - 1) / 2 × scale`, of itself, unless it lay beyond the range and was
 * clamped to the edge bin.
 *
 * @example
 * const tok = new RobustScaleUniformBins();          // 8193 tokens: 8191 bins over [-25, 25]
 * const { ids, mask, scale } = tok.encode(co2);      // last 512 values; scale { location, scale }
 * const labels = tok.encodeLabels(future, scale);    // predictionLength ids, the context's scale
 * const values = tok.decode(sampledIds, scale);      // bin centre × scale + location
 */
export class RobustScaleUniformBins implements Tokenizer<RobustScale> {
  readonly config: Readonly<RobustScaleConfig>;
  /** `{ pad: padTokenId, eos: eosTokenId }` of the config. */
  readonly specialIds: Readonly<SpecialTokenIds>;
  /** `nTokens - nSpecialTokens`. */
  readonly bins: number;
  /** Distance between neighbouring centres, in units of the scale. */
  readonly width: number;
  /** id -> bin centre, NaN for the special ids. */
  readonly #decodeTable: Float64Array;
  #scratch = new Float64Array(0);

  constructor(options: RobustScaleUniformBinsOptions = {}) {
    this.config = Object.freeze(robustScaleConfig(options));
    const { nTokens, nSpecialTokens, padTokenId, eosTokenId, low, high } = this.config;
    this.specialIds = Object.freeze({ pad: padTokenId, eos: eosTokenId });
    this.bins = nTokens - nSpecialTokens;
    this.width = (high - low) / (this.bins - 1);
    this.#decodeTable = new Float64Array(nTokens).fill(Number.NaN);
    for (let k = 0; k < this.bins; k++) {
      this.#decodeTable[nSpecialTokens + k] = low + ((high - low) * k) / (this.bins - 1);
    }
  }

  /** The config's `nTokens`: special ids, then the bins. */
  get vocabSize(): number {
    return this.config.nTokens;
  }

  /** `[bins]` bin centres in units of the scale (a copy). */
  get centers(): Float64Array {
    return this.#decodeTable.slice(this.config.nSpecialTokens);
  }

  /**
   * Tokenizes the last `contextLength` values of `context`, fitting the scale to them.
   *
   * @param context `[T]` values; NaN is missing
   * @returns `[min(T, contextLength)]` ids and mask (no EOS after a context), and the
   *   `{ location, scale }` for {@link encodeLabels} and {@link decode}
   */
  encode(context: Series): TokenEncoding<RobustScale> {
    const fn = "encode()";
    checkSeries(fn, "context", context);
    const start = Math.max(0, context.length - this.config.contextLength);
    checkValues(fn, "context", context, start);
    if (this.#scratch.length < context.length - start) {
      this.#scratch = new Float64Array(context.length - start);
    }
    const scale = robustScale(context, start, this.config.minScale, this.#scratch);
    const { ids, mask } = this.#tokenize(context, start, scale, 0);
    return { ids, mask, scale };
  }

  /**
   * Tokenizes the target that follows a context, with that context's scale.
   *
   * @param target `[predictionLength]` values; NaN gets PAD, mask 0
   * @param scale the `scale` {@link encode} returned for the context
   * @returns `[predictionLength (+ 1 for EOS when useEosToken)]` ids and mask
   */
  encodeLabels(target: Series, scale: RobustScale): TokenIds {
    const fn = "encodeLabels()";
    this.#checkScale(fn, scale);
    checkSeries(fn, "target", target);
    const { predictionLength, useEosToken } = this.config;
    if (target.length !== predictionLength) {
      throw new RangeError(
        `${fn}: target must hold predictionLength (${predictionLength}) values, got ${target.length}`,
      );
    }
    checkValues(fn, "target", target);
    return this.#tokenize(target, 0, scale, useEosToken ? 1 : 0);
  }

  /**
   * Ids back to values: `centre × scale + location`. PAD and EOS decode to NaN.
   *
   * @param ids `[T]` integer ids in `[0, nTokens)`
   * @param scale the context's `{ location, scale }`
   * @returns `[T]` values
   */
  decode(ids: ArrayLike<number>, scale: RobustScale): Float64Array {
    const fn = "decode()";
    this.#checkScale(fn, scale);
    checkSeries(fn, "ids", ids);
    const table = this.#decodeTable;
    const out = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const c = table[id];
      if (c === undefined || typeof id !== "number") {
        throw new RangeError(
          `${fn}: ids[${i}] must be an integer in [0, ${this.config.nTokens}), got ${show(id)}`,
        );
      }
      out[i] = c * scale.scale + scale.location;
    }
    return out;
  }

  #checkScale(fn: string, s: unknown): asserts s is RobustScale {
    const r = s as RobustScale;
    if (
      typeof s !== "object" ||
      s === null ||
      typeof r.location !== "number" ||
      !Number.isFinite(r.location) ||
      typeof r.scale !== "number" ||
      !(r.scale > 0 && r.scale < Infinity)
    ) {
      throw new TypeError(
        `${fn}: scale must be { location: finite number, scale: number > 0 } from encode(), got ${show(s)}`,
      );
    }
  }

  /** Ids and mask of `values[start..]`, then `eos` EOS tokens. */
  #tokenize(values: Series, start: number, s: RobustScale, eos: number): TokenIds {
    const { nSpecialTokens, padTokenId, eosTokenId, low } = this.config;
    const length = values.length - start;
    const ids = new Int32Array(length + eos);
    const mask = new Uint8Array(length + eos);
    const last = this.bins - 1;
    const inv = 1 / this.width;
    for (let i = 0; i < length; i++) {
      const v = values[start + i];
      if (Number.isNaN(v)) {
        ids[i] = padTokenId;
        continue;
      }
      // The nearest centre; beyond the range, the edge bin.
      const k = Math.round(((v - s.location) / s.scale - low) * inv);
      ids[i] = nSpecialTokens + Math.max(0, Math.min(k, last));
      mask[i] = 1;
    }
    if (eos) {
      ids[length] = eosTokenId;
      mask[length] = 1;
    }
    return { ids, mask };
  }
}
