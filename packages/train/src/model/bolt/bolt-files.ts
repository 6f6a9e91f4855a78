// A Chronos-Bolt model as files, in memory: `model.safetensors` (F32 tensors under
// `ChronosBoltModelForForecasting` names, metadata {"format":"pt"}, no tied aliases) and
// `config.json` (the json read, with `chronos_config` and the architecture fields). The
// `encoder.embed_tokens` / `decoder.embed_tokens` aliases of `shared.weight` are accepted on
// reading; an `lm_head.weight` is ignored, as the published class ignores it.
import { type NamedTensor, readSafetensors, writeSafetensors } from "@kairos/lora";
import type { ModelFiles } from "../model-files.js";
import { t5WeightsFromTensors } from "../t5/t5-files.js";
import { type BoltConfig, boltConfigFromJson, boltConfigToJson } from "./bolt-config.js";
import { ChronosBoltModel, type ChronosBoltModelOptions } from "./bolt-model.js";
import { boltHeadShapes, boltParameterShapes } from "./bolt-parameters.js";

/** Serialises a Bolt model's weights (merged LoRA included) and config. */
export function serializeBoltModel(model: ChronosBoltModel): ModelFiles {
  const tensors = new Map<string, NamedTensor>();
  for (const [key, shape] of boltParameterShapes(model.config))
    tensors.set(key, { shape, data: model.weights.get(key) as Float32Array });
  return {
    "model.safetensors": writeSafetensors(tensors, { format: "pt" }),
    "config.json": `${JSON.stringify(boltConfigToJson(model.config), null, 2)}\n`,
  };
}

/** The weights of `config` from a tensors map; throws naming a missing or mis-shaped tensor. */
export function boltWeightsFromTensors(
  config: BoltConfig,
  tensors: Map<string, { shape: number[]; data: Float32Array }>,
  fn = "boltWeightsFromTensors()",
): Map<string, Float32Array> {
  const weights = t5WeightsFromTensors(config.t5, tensors, fn);
  for (const [key, shape] of boltHeadShapes(config)) {
    const t = tensors.get(key);
    if (!t) throw new RangeError(`${fn}: model.safetensors has no tensor ${key}`);
    if (t.shape.join(",") !== shape.join(","))
      throw new RangeError(`${fn}: tensor ${key} must have shape [${shape}], got [${t.shape}]`);
    weights.set(key, t.data);
  }
  return weights;
}

/** Builds a Bolt model from a parsed `config.json` and its tensors (one file or merged shards). */
export function boltModelFromTensors(
  configJson: unknown,
  tensors: Map<string, NamedTensor>,
  options: ChronosBoltModelOptions,
  fn = "boltModelFromTensors()",
): ChronosBoltModel {
  const config = boltConfigFromJson(configJson as Record<string, unknown>);
  return new ChronosBoltModel(config, boltWeightsFromTensors(config, tensors, fn), options);
}

/** Rebuilds a Bolt model from its files. */
export function parseBoltModel(
  files: ModelFiles,
  options: ChronosBoltModelOptions,
): ChronosBoltModel {
  const { tensors } = readSafetensors(files["model.safetensors"]);
  return boltModelFromTensors(
    JSON.parse(files["config.json"]),
    tensors,
    options,
    "parseBoltModel()",
  );
}
