/**
 * Options of the robust-scale tokenizer, their defaults and their checks. The defaults
 * (8193 tokens: 8191 bins over [-25, 25] robust standard deviations) were chosen by measuring the
 * quantisation floor on 21 real series (benchmarks/src/workloads/tokenizer-floor.mjs; the
 * table is in this package's README).
 */
import { checkFinite } from "./validate.js";
import { checkVocabulary, withDefaults } from "./vocabulary-options.js";

/** Options of {@link RobustScaleUniformBins}; names follow `MeanScaleUniformBinsOptions`. */
export interface RobustScaleUniformBinsOptions {
  /**
   * Vocabulary size, special tokens included: `nTokens - nSpecialTokens` bins. Default 8193:
   * 8191 bins, an odd number, so that with a symmetric range z = 0 (the median) is a centre
   * and decodes exactly.
   */
  nTokens?: number;
  /** Ids below this are special (PAD, EOS). Default 2. */
  nSpecialTokens?: number;
  /** Id of a missing value or padding. Default 0. */
  padTokenId?: number;
  /** Id appended after the labels when `useEosToken`. Default 1. */
  eosTokenId?: number;
  /** Centre of the lowest bin, in robust standard deviations from the median. Default -25. */
  low?: number;
  /** Centre of the highest bin. Default 25. */
  high?: number;
  /** Values of a context kept: the most recent. Default 512. */
  contextLength?: number;
  /** Length of a label (`encodeLabels`). Default 64. */
  predictionLength?: number;
  /** Append EOS to labels (a causal model: never after a context). Default false. */
  useEosToken?: boolean;
  /** The scale is at least `minScale × |location|`, so a near-constant level stays resolvable. Default 1e-6. */
  minScale?: number;
}

export type RobustScaleConfig = Required<RobustScaleUniformBinsOptions>;

export const ROBUST_SCALE_DEFAULTS: RobustScaleConfig = {
  nTokens: 8193,
  nSpecialTokens: 2,
  padTokenId: 0,
  eosTokenId: 1,
  low: -25,
  high: 25,
  contextLength: 512,
  predictionLength: 64,
  useEosToken: false,
  minScale: 1e-6,
};

/** Largest vocabulary: ids must fit an Int32Array and a decode table of doubles stay small. */
const MAX_TOKENS = 2 ** 24;

/** Fills in defaults and checks every option. */
export function robustScaleConfig(options: RobustScaleUniformBinsOptions = {}): RobustScaleConfig {
  const fn = "RobustScaleUniformBins()";
  const c = withDefaults(fn, options, ROBUST_SCALE_DEFAULTS);
  // At least two bins after the special tokens.
  checkVocabulary(fn, c, 2, MAX_TOKENS);
  checkFinite(fn, "low", c.low);
  checkFinite(fn, "high", c.high);
  if (!(c.low < c.high)) {
    throw new RangeError(`${fn}: low must be below high, got low ${c.low}, high ${c.high}`);
  }
  if (!(checkFinite(fn, "minScale", c.minScale) >= 0 && c.minScale < 1)) {
    throw new RangeError(`${fn}: minScale must be in [0, 1), got ${c.minScale}`);
  }
  return c;
}
