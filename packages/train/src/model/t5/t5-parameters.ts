// A T5 model's tensors under `T5ForConditionalGeneration.state_dict()` key names, their shapes from
// the config, and a seeded initialisation (normal; norms at 1). `shared.weight` is the embedding
// of both stacks (`encoder.embed_tokens` / `decoder.embed_tokens` are the same tensor) and, when
// `tie_word_embeddings`, the LM head too (then there is no `lm_head.weight`).
import { initTensors } from "../parameters.js";
import type { T5Config } from "./t5-config.js";

/** The two stacks. */
export type T5Stack = "encoder" | "decoder";

/** Attention modules of a T5 block: self-attention, and the decoder's cross-attention. */
export type T5AttentionModule = "SelfAttention" | "EncDecAttention";

/** Names of the attention projections, as in `modeling_t5.T5Attention`. */
export const T5_ATTENTION_PROJECTIONS = ["q", "k", "v", "o"] as const;

/** The feed-forward projections: `wi, wo` (DenseReluDense) or `wi_0, wi_1, wo` (gated). */
export function t5FeedForwardProjections(c: T5Config): string[] {
  return c.isGated ? ["wi_0", "wi_1", "wo"] : ["wi", "wo"];
}

/** Sublayer index of a block's feed-forward: 1 in the encoder, 2 in the decoder. */
export const ffLayerIndex = (stack: T5Stack): number => (stack === "encoder" ? 1 : 2);

/** Module path of an attention, e.g. `decoder.block.0.layer.1.EncDecAttention`. */
export function attentionPath(stack: T5Stack, block: number, module: T5AttentionModule): string {
  return `${stack}.block.${block}.layer.${module === "SelfAttention" ? 0 : 1}.${module}`;
}

/** Module path of a block's feed-forward, e.g. `encoder.block.0.layer.1.DenseReluDense`. */
export function feedForwardPath(stack: T5Stack, block: number): string {
  return `${stack}.block.${block}.layer.${ffLayerIndex(stack)}.DenseReluDense`;
}

/** Key of the relative-position bias table of a stack ([buckets, H], in block 0 only). */
export const relativeBiasKey = (stack: T5Stack): string =>
  `${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`;

/** Every linear module of the model: path → [out, in], in state_dict order. */
export function t5LinearShapes(c: T5Config): Map<string, [number, number]> {
  const inner = c.numHeads * c.dKv;
  const out = new Map<string, [number, number]>();
  for (const stack of ["encoder", "decoder"] as const) {
    const layers = stack === "encoder" ? c.numLayers : c.numDecoderLayers;
    for (let b = 0; b < layers; b++) {
      const modules: T5AttentionModule[] =
        stack === "encoder" ? ["SelfAttention"] : ["SelfAttention", "EncDecAttention"];
      for (const m of modules) {
        for (const p of T5_ATTENTION_PROJECTIONS)
          out.set(
            `${attentionPath(stack, b, m)}.${p}`,
            p === "o" ? [c.dModel, inner] : [inner, c.dModel],
          );
      }
      for (const p of t5FeedForwardProjections(c))
        out.set(
          `${feedForwardPath(stack, b)}.${p}`,
          p === "wo" ? [c.dModel, c.dFf] : [c.dFf, c.dModel],
        );
    }
  }
  return out;
}

/** Every tensor's key and shape, as `T5ForConditionalGeneration.state_dict()` names them. */
export function t5ParameterShapes(c: T5Config): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  shapes.set("shared.weight", [c.vocabSize, c.dModel]);
  const linears = t5LinearShapes(c);
  for (const stack of ["encoder", "decoder"] as const) {
    const layers = stack === "encoder" ? c.numLayers : c.numDecoderLayers;
    for (let b = 0; b < layers; b++) {
      const pre = `${stack}.block.${b}.layer.`;
      for (const [path, shape] of linears) {
        if (path.startsWith(pre)) shapes.set(`${path}.weight`, shape);
        if (b === 0 && path === `${attentionPath(stack, 0, "SelfAttention")}.o`)
          shapes.set(relativeBiasKey(stack), [c.relativeAttentionNumBuckets, c.numHeads]);
      }
      const norms = stack === "encoder" ? [0, 1] : [0, 1, 2];
      for (const l of norms) shapes.set(`${pre}${l}.layer_norm.weight`, [c.dModel]);
    }
    shapes.set(`${stack}.final_layer_norm.weight`, [c.dModel]);
  }
  if (!c.tieWordEmbeddings) shapes.set("lm_head.weight", [c.vocabSize, c.dModel]);
  return shapes;
}

/** Fresh tensors: norms 1, everything else N(0, std²) from a seeded stream. */
export function initT5Parameters(c: T5Config, seed: number, std = 0.05): Map<string, Float32Array> {
  return initTensors(t5ParameterShapes(c), seed, std, (key) => key.endsWith("layer_norm.weight"));
}
