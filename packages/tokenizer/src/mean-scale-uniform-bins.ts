/**
 * The Chronos tokenizer (Ansari et al. 2024, "Chronos: Learning the Language
 * of Time Series"; amazon-science/chronos-forecasting, `MeanScaleUniformBins`),
 * id for id: mean scaling, then uniform bins over [low, high], in float32 as
 * PyTorch computes it. NaN is a missing value: PAD with mask 0.
 */
import {
  type ChronosConfig,
  chronosConfig,
  type MeanScaleUniformBinsOptions,
} from "./chronos-options.js";
import type { SpecialTokenIds, Tokenizer } from "./tokenizer.js";
import { meanAbs, meanAbsScratch } from "./torch-nansum.js";
import { tokenizeInto, type UniformBins, uniformBins } from "./uniform-bins.js";
import { checkSeries, checkValues, type Series, show } from "./validate.js";

/** A tokenized context: `[T (+ 1 for EOS)]` ids and mask, and its scale. */
export interface ChronosEncoding {
  ids: Int32Array;
  /** 1 where a value was observed (and at EOS), 0 at PAD. */
  mask: Uint8Array;
  /** The float32 mean absolute value of the observed context, 1 when not > 0. */
  scale: number;
}

/** Tokenized labels: `[predictionLength (+ 1 for EOS)]` ids and mask. */
export interface ChronosLabels {
  ids: Int32Array;
  mask: Uint8Array;
}

/** A tokenized batch: `[batch, length]` ids and mask, row-major, and `[batch]` scales. */
export interface ChronosBatch {
  ids: Int32Array;
  mask: Uint8Array;
  scale: Float32Array;
  shape: [batch: number, length: number];
}

const round = Math.fround;

/** Ids and mask on one buffer: one allocation instead of two (it shows at 512 values a call). */
function allocate(length: number): { ids: Int32Array; mask: Uint8Array } {
  const buffer = new ArrayBuffer(length * 5);
  return {
    ids: new Int32Array(buffer, 0, length),
    mask: new Uint8Array(buffer, length * 4, length),
  };
}

/**
 * Series to Chronos token ids and back.
 *
 * @example
 * const tok = new MeanScaleUniformBins();           // Chronos-T5 defaults
 * const { ids, mask, scale } = tok.encode(closes);   // last 512 values + EOS
 * const values = tok.decode(sampledIds, scale);      // bin centres × scale
 */
export class MeanScaleUniformBins implements Tokenizer<number> {
  readonly config: Readonly<ChronosConfig>;
  /** `{ pad: padTokenId, eos: eosTokenId }` of the config. */
  readonly specialIds: Readonly<SpecialTokenIds>;
  readonly #bins: UniformBins;
  /** id -> bin centre, NaN for the special ids: decode is one lookup and a product. */
  readonly #decodeTable: Float32Array;
  readonly #acc = meanAbsScratch();
  #scratch = new Float32Array(0);

  constructor(options: MeanScaleUniformBinsOptions = {}) {
    this.config = Object.freeze(chronosConfig(options));
    this.specialIds = Object.freeze({ pad: this.config.padTokenId, eos: this.config.eosTokenId });
    const { nTokens, nSpecialTokens, low, high } = this.config;
    this.#bins = uniformBins(low, high, nTokens - nSpecialTokens - 1);
    const centers = this.#bins.centers;
    this.#decodeTable = new Float32Array(nTokens).fill(Number.NaN);
    // Chronos: centers[clamp(id - nSpecialTokens - 1, 0, n - 1)], so id nSpecialTokens
    // (reached only below -1e20 × scale) decodes to the lowest centre too.
    for (let id = nSpecialTokens; id < nTokens; id++) {
      this.#decodeTable[id] = centers[Math.max(0, id - nSpecialTokens - 1)];
    }
  }

  /** The config's `nTokens`: special ids, then the bins. */
  get vocabSize(): number {
    return this.config.nTokens;
  }

  /** `[nTokens - nSpecialTokens - 1]` float32 bin centres (a copy). */
  get centers(): Float32Array {
    return this.#bins.centers.slice();
  }

  /** `[centers.length + 1]` float32 boundaries, ±1e20 at the ends (a copy). */
  get boundaries(): Float32Array {
    return this.#bins.boundaries.slice();
  }

  /**
   * Tokenizes the last `contextLength` values of `context`.
   *
   * @param context `[T]` values; NaN is missing. Taken as float32, as Chronos does.
   * @returns `[min(T, contextLength) (+ 1)]` ids and mask, EOS last when
   *   `useEosToken` and `modelType` is `seq2seq`; the scale for
   *   {@link encodeLabels} and {@link decode}.
   */
  encode(context: Series): ChronosEncoding {
    const x = this.#window("encode()", "context", context, this.config.contextLength);
    const eos = this.#contextEos();
    const { ids, mask } = allocate(x.length + eos);
    const scale = this.#scale("encode()", "context", context, context.length - x.length, x);
    this.#tokenize(x, scale, ids, mask, 0, eos);
    return { ids, mask, scale };
  }

  /**
   * Tokenizes a target with its context's scale, as Chronos's
   * `label_input_transform`. Missing values get PAD and mask 0; Chronos's
   * training script then sets those labels to -100 (ignored by the loss) — here
   * the ids stay valid and a loss skips positions whose mask is 0.
   *
   * @param target `[predictionLength]` values
   * @param scale the `scale` that {@link encode} returned for the context
   * @returns `[predictionLength (+ 1 for EOS when useEosToken)]` ids and mask
   */
  encodeLabels(target: Series, scale: number): ChronosLabels {
    const fn = "encodeLabels()";
    const s = this.#checkScale(fn, scale);
    checkSeries(fn, "target", target);
    if (target.length !== this.config.predictionLength) {
      throw new RangeError(
        `${fn}: target must hold predictionLength (${this.config.predictionLength}) values, got ${target.length}`,
      );
    }
    checkValues(fn, "target", target, 0, round);
    const x = this.#float32(target, 0, target.length, 0);
    const eos = this.config.useEosToken ? 1 : 0; // labels get EOS whatever the model type
    const { ids, mask } = allocate(x.length + eos);
    this.#tokenize(x, s, ids, mask, 0, eos);
    return { ids, mask };
  }

  /**
   * Tokenizes several contexts as the Chronos pipeline batches them: each is
   * left-padded with NaN to the longest, then cut to the last `contextLength`.
   *
   * @param contexts series of any lengths
   * @returns `[batch, length]` ids and mask (PAD, mask 0 where padded) and
   *   `[batch]` scales; `length` is `min(longest, contextLength)` (+ 1 for EOS)
   */
  encodeBatch(contexts: readonly Series[]): ChronosBatch {
    const fn = "encodeBatch()";
    if (!Array.isArray(contexts) || contexts.length === 0) {
      throw new TypeError(
        `${fn}: contexts must be a non-empty array of series, got ${show(contexts)}`,
      );
    }
    let longest = 0;
    for (let r = 0; r < contexts.length; r++) {
      checkSeries(fn, `contexts[${r}]`, contexts[r]);
      longest = Math.max(longest, contexts[r].length);
    }
    const steps = Math.min(longest, this.config.contextLength);
    const eos = this.#contextEos();
    const width = steps + eos;
    const { ids, mask } = allocate(contexts.length * width);
    const scale = new Float32Array(contexts.length);
    for (let r = 0; r < contexts.length; r++) {
      const series = contexts[r];
      const kept = Math.min(series.length, steps);
      const start = series.length - kept;
      if (!ArrayBuffer.isView(series)) checkValues(fn, `contexts[${r}]`, series, start, round);
      // The padded row itself: torch sums the NaN padding as zeros, and where
      // the values sit among the lanes decides the float32 scale.
      const x = this.#float32(series, start, kept, steps - kept);
      scale[r] = this.#scale(fn, `contexts[${r}]`, series, start, x);
      this.#tokenize(x, scale[r], ids, mask, r * width, eos);
    }
    return { ids, mask, scale, shape: [contexts.length, width] };
  }

  /**
   * Token ids back to values: the bin centre of each id times `scale`, in
   * float32 (Chronos's `output_transform`). PAD and EOS decode to NaN.
   *
   * @param ids `[T]` integer ids in `[0, nTokens)`
   * @param scale the context's scale
   * @returns `[T]` values
   */
  decode(ids: ArrayLike<number>, scale: number): Float32Array {
    const fn = "decode()";
    const s = this.#checkScale(fn, scale);
    checkSeries(fn, "ids", ids);
    const table = this.#decodeTable;
    const out = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const c = table[id];
      if (c === undefined || typeof id !== "number") {
        throw new RangeError(
          `${fn}: ids[${i}] must be an integer in [0, ${this.config.nTokens}), got ${show(ids[i])}`,
        );
      }
      out[i] = c * s; // a Float32Array store rounds: torch's float32 product
    }
    return out;
  }

  #contextEos(): number {
    const { useEosToken, modelType } = this.config;
    return useEosToken && modelType === "seq2seq" ? 1 : 0;
  }

  #checkScale(fn: string, scale: unknown): number {
    if (typeof scale !== "number" || !(scale > 0)) {
      const Err = typeof scale === "number" ? RangeError : TypeError;
      throw new Err(`${fn}: scale must be a number > 0, got ${show(scale)}`);
    }
    return round(scale);
  }

  /** The last `keep` values of a checked series, as float32 (a view where possible). */
  #window(fn: string, name: string, series: unknown, keep: number): Float32Array {
    const s = checkSeries(fn, name, series);
    const start = Math.max(0, s.length - keep);
    if (s instanceof Float32Array) return s.subarray(start);
    if (!ArrayBuffer.isView(s)) checkValues(fn, name, s, start, round);
    return this.#float32(s, start, s.length - start, 0);
  }

  /** `pad` NaNs then `series[start .. start + count)` as float32, in a reused scratch buffer. */
  #float32(series: Series, start: number, count: number, pad: number): Float32Array {
    const length = pad + count;
    if (this.#scratch.length < length) this.#scratch = new Float32Array(length);
    const x = this.#scratch.subarray(0, length);
    x.fill(Number.NaN, 0, pad);
    if (ArrayBuffer.isView(series)) {
      x.set((series as unknown as Float64Array).subarray(start, start + count), pad);
    } else {
      for (let i = 0; i < count; i++) x[pad + i] = series[start + i];
    }
    return x;
  }

  /**
   * Chronos's scale of `x`, the float32 copy of `series[start..]` (NaN-padded
   * on the left in a batch). A sum that came out infinite is either an
   * infinite value in the window (an error) or a float32 overflow of finite
   * ones (torch's scale is then infinite too, and every value's id is 0's).
   */
  #scale(fn: string, name: string, series: Series, start: number, x: Float32Array): number {
    const mean = meanAbs(x, this.#acc);
    if (mean === Infinity) checkValues(fn, name, series, start, round);
    return mean > 0 ? mean : 1;
  }

  #tokenize(
    x: Float32Array,
    scale: number,
    ids: Int32Array,
    mask: Uint8Array,
    at: number,
    eos: number,
  ) {
    const { nSpecialTokens, nTokens, padTokenId, eosTokenId } = this.config;
    tokenizeInto(this.#bins, x, scale, nSpecialTokens, nTokens - 1, padTokenId, ids, mask, at);
    if (eos) {
      ids[at + x.length] = eosTokenId;
      mask[at + x.length] = 1;
    }
  }
}
