// A T5 model as files, in memory: `model.safetensors` (F32 tensors under HF key names, metadata
// {"format":"pt"}) and `config.json` (the json read, `chronos_config` and all, with the
// architecture fields). Parsing is a thin layer over a tensors map, so a sharded reader can feed
// it: `encoder.embed_tokens.weight` / `decoder.embed_tokens.weight` are accepted as aliases of
// `shared.weight` (transformers writes them or not, depending on version).
import { type NamedTensor, readSafetensors, writeSafetensors } from "@kairos/lora";
import type { ModelFiles } from "../model-files.js";
import { type T5Config, t5ConfigFromJson, t5ConfigToJson } from "./t5-config.js";
import { T5_EMBED_ALIASES, T5Model, type T5ModelOptions } from "./t5-model.js";
import { t5ParameterShapes } from "./t5-parameters.js";

/** Serialises a T5 model's weights (HF keys, no aliases) and config. */
export function serializeT5Model(model: T5Model): ModelFiles {
  const tensors = new Map<string, NamedTensor>();
  for (const [key, shape] of t5ParameterShapes(model.config))
    tensors.set(key, { shape, data: model.weights.get(key) as Float32Array });
  return {
    "model.safetensors": writeSafetensors(tensors, { format: "pt" }),
    "config.json": `${JSON.stringify(t5ConfigToJson(model.config), null, 2)}\n`,
  };
}

/**
 * The weights of `config` from a tensors map (key → { shape, data }); throws naming a missing
 * or mis-shaped tensor. `shared.weight` may come under one of its aliases.
 */
export function t5WeightsFromTensors(
  config: T5Config,
  tensors: Map<string, { shape: number[]; data: Float32Array }>,
  fn = "t5WeightsFromTensors()",
): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const [key, shape] of t5ParameterShapes(config)) {
    const alias =
      key === "shared.weight" ? T5_EMBED_ALIASES.find((a) => tensors.has(a)) : undefined;
    const t = tensors.get(key) ?? (alias ? tensors.get(alias) : undefined);
    if (!t) throw new RangeError(`${fn}: model.safetensors has no tensor ${key}`);
    if (t.shape.join(",") !== shape.join(","))
      throw new RangeError(`${fn}: tensor ${key} must have shape [${shape}], got [${t.shape}]`);
    weights.set(key, t.data);
  }
  return weights;
}

/** Rebuilds a T5 model from its files. */
export function parseT5Model(files: ModelFiles, options: T5ModelOptions): T5Model {
  const config = t5ConfigFromJson(JSON.parse(files["config.json"]));
  const { tensors } = readSafetensors(files["model.safetensors"]);
  return new T5Model(config, t5WeightsFromTensors(config, tensors, "parseT5Model()"), options);
}
