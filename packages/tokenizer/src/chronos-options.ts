/**
 * Options of the Chronos tokenizer, their defaults (those of the Chronos T5
 * models' `ChronosConfig`) and their checks.
 */
import { checkFinite, show } from "./validate.js";
import { checkVocabulary, withDefaults } from "./vocabulary-options.js";

/** Options of {@link MeanScaleUniformBins}; names follow Chronos's `ChronosConfig`. */
export interface MeanScaleUniformBinsOptions {
  /** Vocabulary size, special tokens included. Default 4096. */
  nTokens?: number;
  /** Ids below this are special (PAD, EOS). Default 2. */
  nSpecialTokens?: number;
  /** Id of a missing value or padding. Default 0. */
  padTokenId?: number;
  /** Id appended at the end of a sequence. Default 1. */
  eosTokenId?: number;
  /** Centre of the lowest bin, in units of the scale. Default -15. */
  low?: number;
  /** Centre of the highest bin. Default 15. */
  high?: number;
  /** Values of a context kept: the most recent. Default 512. */
  contextLength?: number;
  /** Length of a label (`encodeLabels`). Default 64. */
  predictionLength?: number;
  /** Append EOS (to contexts of a seq2seq model, and to labels). Default true. */
  useEosToken?: boolean;
  /** `seq2seq` (Chronos-T5) appends EOS to contexts too; `causal` does not. Default `seq2seq`. */
  modelType?: "seq2seq" | "causal";
}

export type ChronosConfig = Required<MeanScaleUniformBinsOptions>;

export const CHRONOS_DEFAULTS: ChronosConfig = {
  nTokens: 4096,
  nSpecialTokens: 2,
  padTokenId: 0,
  eosTokenId: 1,
  low: -15,
  high: 15,
  contextLength: 512,
  predictionLength: 64,
  useEosToken: true,
  modelType: "seq2seq",
};

/** Largest vocabulary: bin indices must stay exact in float32 (torch's linspace). */
const MAX_TOKENS = 2 ** 24;
/** Bins must sit inside Chronos's outer boundaries, ±1e20. */
const LIMIT = 1e20;

/** Fills in defaults and checks every option. */
export function chronosConfig(options: MeanScaleUniformBinsOptions = {}): ChronosConfig {
  const fn = "MeanScaleUniformBins()";
  const c = withDefaults(fn, options, CHRONOS_DEFAULTS);
  // At least two bin centres (one midpoint) after the special tokens and the spare id.
  checkVocabulary(fn, c, 3, MAX_TOKENS);
  checkFinite(fn, "low", c.low);
  checkFinite(fn, "high", c.high);
  if (!(Math.fround(c.low) < Math.fround(c.high))) {
    throw new RangeError(
      `${fn}: low must be below high in float32, got low ${c.low}, high ${c.high}`,
    );
  }
  if (!(c.low > -LIMIT && c.high < LIMIT)) {
    throw new RangeError(
      `${fn}: low and high must lie inside (-1e20, 1e20), got low ${c.low}, high ${c.high}`,
    );
  }
  if (c.modelType !== "seq2seq" && c.modelType !== "causal") {
    throw new TypeError(`${fn}: modelType must be "seq2seq" or "causal", got ${show(c.modelType)}`);
  }
  return c;
}
