/**
 * What the options of every bin tokenizer share: defaults filled in over the caller's options
 * (unknown keys refused, listing the valid ones), and the checks of the vocabulary's sizes and
 * special ids and of the window lengths.
 */
import { checkBoolean, checkInteger, checkOptions } from "./validate.js";

/** The fields every bin tokenizer's config has. */
export interface VocabularyConfig {
  nTokens: number;
  nSpecialTokens: number;
  padTokenId: number;
  eosTokenId: number;
  contextLength: number;
  predictionLength: number;
  useEosToken: boolean;
}

/** `defaults` with the caller's defined options over them; a key not in `defaults` throws. */
export function withDefaults<C extends object>(fn: string, options: object, defaults: C): C {
  checkOptions(fn, options, Object.keys(defaults));
  const c = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (c as Record<string, unknown>)[key] = value;
  }
  return c;
}

/**
 * Checks the sizes, special ids and lengths: `nTokens` at least `nSpecialTokens + spare` and at
 * most `maxTokens`, both special ids among the special tokens, positive lengths.
 */
export function checkVocabulary(
  fn: string,
  c: VocabularyConfig,
  spare: number,
  maxTokens: number,
): void {
  checkInteger(fn, "nSpecialTokens", c.nSpecialTokens, 1);
  checkInteger(fn, "nTokens", c.nTokens, c.nSpecialTokens + spare, maxTokens);
  checkInteger(fn, "padTokenId", c.padTokenId, 0, c.nSpecialTokens - 1);
  checkInteger(fn, "eosTokenId", c.eosTokenId, 0, c.nSpecialTokens - 1);
  checkInteger(fn, "contextLength", c.contextLength, 1);
  checkInteger(fn, "predictionLength", c.predictionLength, 1);
  checkBoolean(fn, "useEosToken", c.useEosToken);
}
