// A model as files, in memory: `model.safetensors` (F32 tensors under Llama key names, metadata
// {"format":"pt"} as transformers writes) and `config.json` (`transformers.LlamaConfig` reads it).
// File IO lives in `@kairos/train/node`, so this module stays browser-safe.
import { type NamedTensor, readSafetensors, writeSafetensors } from "@kairos/lora";
import { fromConfigJson, toConfigJson } from "./config.js";
import { LlamaModel, type LlamaModelOptions } from "./llama.js";
import { parameterShapes } from "./parameters.js";

/** The two files of a model directory. */
export interface ModelFiles {
  "model.safetensors": Uint8Array;
  "config.json": string;
}

/** Serialises a model's weights and config. */
export function serializeModel(model: LlamaModel): ModelFiles {
  const shapes = parameterShapes(model.config);
  const tensors = new Map<string, NamedTensor>();
  for (const [key, shape] of shapes)
    tensors.set(key, { shape, data: model.weights.get(key) as Float32Array });
  return {
    "model.safetensors": writeSafetensors(tensors, { format: "pt" }),
    "config.json": `${JSON.stringify(toConfigJson(model.config), null, 2)}\n`,
  };
}

/** Rebuilds a model from its files; throws naming a missing or mis-shaped tensor. */
export function parseModel(files: ModelFiles, options: LlamaModelOptions): LlamaModel {
  const { tensors } = readSafetensors(files["model.safetensors"]);
  return modelFromTensors(JSON.parse(files["config.json"]), tensors, options, "parseModel()");
}

/**
 * Builds a Llama model from a parsed `config.json` and its tensors (from one file or merged
 * shards); throws naming a missing or mis-shaped tensor. Extra tensors are ignored.
 */
export function modelFromTensors(
  configJson: unknown,
  tensors: Map<string, NamedTensor>,
  options: LlamaModelOptions,
  fn = "modelFromTensors()",
): LlamaModel {
  const config = fromConfigJson(configJson as Parameters<typeof fromConfigJson>[0]);
  const weights = new Map<string, Float32Array>();
  for (const [key, shape] of parameterShapes(config)) {
    const t = tensors.get(key);
    if (!t) throw new RangeError(`${fn}: the model's weights have no tensor ${key}`);
    if (t.shape.join(",") !== shape.join(",")) {
      throw new RangeError(`${fn}: tensor ${key} must have shape [${shape}], got [${t.shape}]`);
    }
    weights.set(key, t.data);
  }
  return new LlamaModel(config, weights, options);
}
