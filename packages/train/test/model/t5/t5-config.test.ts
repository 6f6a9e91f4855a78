import { describe, expect, it } from "vitest";
import { t5ConfigFromJson, t5ConfigToJson } from "../../../src/model/t5/t5-config.js";

const chronosTiny = {
  architectures: ["T5ForConditionalGeneration"],
  model_type: "t5",
  vocab_size: 4096,
  d_model: 256,
  d_kv: 64,
  d_ff: 1024,
  num_layers: 4,
  num_heads: 4,
  feed_forward_proj: "relu",
  tie_word_embeddings: true,
  decoder_start_token_id: 0,
  pad_token_id: 0,
  eos_token_id: 1,
  chronos_config: { n_tokens: 4096, context_length: 512 },
};

describe("t5ConfigFromJson", () => {
  it("t5ConfigFromJson(json) reads HF keys, defaulting num_decoder_layers to num_layers", () => {
    const c = t5ConfigFromJson(chronosTiny);
    expect(c).toMatchObject({
      vocabSize: 4096,
      dModel: 256,
      dKv: 64,
      numLayers: 4,
      numDecoderLayers: 4,
    });
    expect(c).toMatchObject({
      isGated: false,
      denseActFn: "relu",
      relativeAttentionNumBuckets: 32,
    });
    expect(c.relativeAttentionMaxDistance).toBe(128);
    expect(t5ConfigToJson(c).chronos_config).toEqual(chronosTiny.chronos_config);
  });

  it('t5ConfigFromJson(json) derives is_gated and gelu_new from "gated-gelu" as transformers does', () => {
    const c = t5ConfigFromJson({
      ...chronosTiny,
      feed_forward_proj: "gated-gelu",
      tie_word_embeddings: false,
    });
    expect([c.isGated, c.denseActFn, c.tieWordEmbeddings]).toEqual([true, "gelu_new", false]);
    expect(
      t5ConfigFromJson({ ...chronosTiny, tie_word_embeddings: undefined }).tieWordEmbeddings,
    ).toBe(true);
  });

  it("t5ConfigFromJson(json) names the bad key and value", () => {
    expect(() => t5ConfigFromJson({ ...chronosTiny, d_model: 0 })).toThrow(
      /d_model must be a positive integer, got 0/,
    );
    expect(() => t5ConfigFromJson({ ...chronosTiny, feed_forward_proj: "swish-gated" })).toThrow(
      /feed_forward_proj must be .*got "swish-gated"/,
    );
    expect(() => t5ConfigFromJson({ ...chronosTiny, model_type: "llama" })).toThrow(
      /model_type must be "t5", got "llama"/,
    );
  });
});
