// A Chronos T5 as a `TokenSampler` for `sampleForecast`: the tokenized context (EOS after it)
// runs once through the encoder; each sample then decodes from the decoder start token over its
// own key/value cache, cross-attending to that one encoder output. Special ids are never sampled
// (Chronos's `min_new_tokens` bars EOS; PAD decodes to nothing useful either).
import type { TokenSampler } from "../../forecast/forecast.js";
import { tokenizerSettingsFromJson } from "../config.js";
import type { T5Model } from "./t5-model.js";

/** The sampler of a T5 model whose config.json has a seq2seq `chronos_config`. */
export function chronosSampler(model: T5Model): TokenSampler {
  const cc = model.config.raw.chronos_config as Record<string, unknown> | undefined;
  if (!cc || cc.model_type !== "seq2seq") {
    throw new RangeError(
      `chronosSampler(): config.json must have a chronos_config with model_type "seq2seq", got ${cc ? JSON.stringify(cc.model_type) : "none"}`,
    );
  }
  const tokenizer = tokenizerSettingsFromJson(cc);
  const V = model.config.vocabSize;
  return {
    tokenizer,
    vocabSize: V,
    async start(ids, mask, samples, maxNew) {
      const L = ids.length;
      const enc = await model.encode(ids, mask, 1, L);
      // Every sample attends to the same context: its cross-attention keys and values are
      // computed once and copied to each sample's rows.
      const cache = await model.decoderCache(enc, mask, 1, L, maxNew + 1, samples);
      const first = await model.decodeStep(
        cache,
        new Int32Array(samples).fill(model.config.decoderStartTokenId),
      );
      return { logits: first.subarray(0, V), step: (next) => model.decodeStep(cache, next) };
    },
  };
}
