// Which tokenizer a model was trained with, by the class name its config records
// (`chronos_config.tokenizer_class`, as Chronos names them): one factory a scheme. A new scheme is
// a class implementing `@kairos/tokenizer`'s `Tokenizer` and one line here.
import { MeanScaleUniformBins, RobustScaleUniformBins, type Tokenizer } from "@kairos/tokenizer";
import { DEFAULT_TOKENIZER_CLASS, type TokenizerSettings } from "./config.js";

/** Builds a scheme's tokenizer from a model's settings (causal unless `modelType` says seq2seq). */
export type TokenizerFactory = (settings: TokenizerSettings) => Tokenizer;

/** The settings every uniform-bin scheme shares, under their tokenizer option names. */
function binOptions(s: TokenizerSettings) {
  return {
    nTokens: s.nTokens,
    nSpecialTokens: s.nSpecialTokens,
    low: s.lowLimit,
    high: s.highLimit,
    contextLength: s.contextLength,
    predictionLength: s.predictionLength,
    useEosToken: s.useEosToken,
  };
}

const TOKENIZERS: Readonly<Record<string, TokenizerFactory>> = {
  MeanScaleUniformBins: (s) =>
    new MeanScaleUniformBins({ ...binOptions(s), modelType: s.modelType ?? "causal" }),
  // Kairos's own scheme (median/IQR instance normalisation); causal: EOS after labels only.
  RobustScaleUniformBins: (s) =>
    new RobustScaleUniformBins({ ...binOptions(s), minScale: s.minScale }),
};

/** The names {@link tokenizerFor} knows. */
export const tokenizerClasses: readonly string[] = Object.freeze(Object.keys(TOKENIZERS));

/**
 * The tokenizer a model's settings describe, by `tokenizerClass` (default
 * `MeanScaleUniformBins`).
 *
 * @example
 * const tok = tokenizerFor(model.config.tokenizer!);
 * const { ids, mask, scale } = tok.encode(history);
 */
export function tokenizerFor(settings: TokenizerSettings): Tokenizer {
  const name = settings.tokenizerClass ?? DEFAULT_TOKENIZER_CLASS;
  if (typeof name !== "string" || !Object.hasOwn(TOKENIZERS, name)) {
    throw new RangeError(
      `tokenizerFor(): tokenizerClass must be one of ${tokenizerClasses.join(", ")}, got ${JSON.stringify(name)}`,
    );
  }
  return TOKENIZERS[name](settings);
}
