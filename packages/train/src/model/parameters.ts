// The model's tensors under Hugging Face Llama's key names, their shapes from the config, and a
// seeded initialisation like `LlamaPreTrainedModel._init_weights` (normal, std 0.02; norms at 1).
import { Random } from "@kairos/lora";
import { headDim, type LlamaConfig } from "./config.js";

/** Names of the seven linear modules of a decoder layer, as in `modeling_llama.py`. */
export const LINEAR_MODULES = [
  "q_proj",
  "k_proj",
  "v_proj",
  "o_proj",
  "gate_proj",
  "up_proj",
  "down_proj",
] as const;
/** One of {@link LINEAR_MODULES}. */
export type LinearModule = (typeof LINEAR_MODULES)[number];

/** Module path of a layer's linear, e.g. `model.layers.0.self_attn.q_proj`. */
export function modulePath(layer: number, module: LinearModule): string {
  const group =
    module === "gate_proj" || module === "up_proj" || module === "down_proj" ? "mlp" : "self_attn";
  return `model.layers.${layer}.${group}.${module}`;
}

/** `[out, in]` of a linear module. */
export function linearShape(c: LlamaConfig, module: LinearModule): [number, number] {
  const q = c.numAttentionHeads * headDim(c);
  const kv = c.numKeyValueHeads * headDim(c);
  switch (module) {
    case "q_proj":
      return [q, c.hiddenSize];
    case "k_proj":
    case "v_proj":
      return [kv, c.hiddenSize];
    case "o_proj":
      return [c.hiddenSize, q];
    case "gate_proj":
    case "up_proj":
      return [c.intermediateSize, c.hiddenSize];
    case "down_proj":
      return [c.hiddenSize, c.intermediateSize];
  }
}

/** Every tensor's key and shape, in `LlamaForCausalLM.state_dict()` order. */
export function parameterShapes(c: LlamaConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  shapes.set("model.embed_tokens.weight", [c.vocabSize, c.hiddenSize]);
  for (let l = 0; l < c.numHiddenLayers; l++) {
    for (const m of LINEAR_MODULES) shapes.set(`${modulePath(l, m)}.weight`, linearShape(c, m));
    shapes.set(`model.layers.${l}.input_layernorm.weight`, [c.hiddenSize]);
    shapes.set(`model.layers.${l}.post_attention_layernorm.weight`, [c.hiddenSize]);
  }
  shapes.set("model.norm.weight", [c.hiddenSize]);
  if (!c.tieWordEmbeddings) shapes.set("lm_head.weight", [c.vocabSize, c.hiddenSize]);
  return shapes;
}

/** Number of scalar parameters. */
export function parameterCount(c: LlamaConfig): number {
  let n = 0;
  for (const s of parameterShapes(c).values()) n += s.reduce((a, b) => a * b, 1);
  return n;
}

/** Fresh tensors: norms 1, everything else N(0, std²) from a seeded stream. */
export function initParameters(
  c: LlamaConfig,
  seed: number,
  std = 0.02,
): Map<string, Float32Array> {
  return initTensors(parameterShapes(c), seed, std, (key) => key.endsWith("norm.weight"));
}

/**
 * Tensors of the given shapes, in order: ones where `isOne(key)` (norm weights), else
 * N(0, std²) from one seeded stream.
 */
export function initTensors(
  shapes: Map<string, number[]>,
  seed: number,
  std: number,
  isOne: (key: string) => boolean,
): Map<string, Float32Array> {
  const rng = new Random(seed);
  const out = new Map<string, Float32Array>();
  for (const [key, shape] of shapes) {
    const t = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (isOne(key)) t.fill(1);
    else for (let i = 0; i < t.length; i++) t[i] = rng.normal() * std;
    out.set(key, t);
  }
  return out;
}
