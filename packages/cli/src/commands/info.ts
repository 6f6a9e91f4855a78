// `kairos info DIR`: what a model directory (config.json + model.safetensors or its shards) or a
// PEFT adapter directory (adapter_model.safetensors + adapter_config.json) holds, after checking
// its files.

import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { loadAdapter } from "@kairos/lora/node";
import {
  fromConfigJson,
  parameterShapes,
  parseShardIndex,
  SHARD_INDEX_FILE,
  shardFiles,
} from "@kairos/train";
import { readModelDirectory } from "@kairos/train/node";
import { emit } from "../emit.js";
import type { CliIo } from "../io.js";
import { UsageError } from "../usage-error.js";

const count = (n: number) => n.toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

// The weights files of a model directory: one model.safetensors, or the index and its shards.
async function weightFiles(dir: string): Promise<string[]> {
  if (existsSync(join(dir, "model.safetensors"))) return ["model.safetensors"];
  const index = parseShardIndex(await readFile(join(dir, SHARD_INDEX_FILE), "utf8"));
  return [SHARD_INDEX_FILE, ...shardFiles(index)];
}

/** Describes a model directory (one or sharded safetensors); throws naming a bad tensor. */
export async function describeModel(dir: string) {
  const { config: json, tensors } = await readModelDirectory(dir);
  const config = fromConfigJson(json as Record<string, unknown>);
  let parameters = 0;
  for (const [key, shape] of parameterShapes(config)) {
    const t = tensors.get(key);
    if (!t) throw new Error(`${dir}: no tensor ${key}, which the config needs`);
    if (t.shape.join() !== shape.join()) {
      throw new Error(
        `${dir}: tensor ${key} must have shape [${shape}] for config.json, got [${t.shape}]`,
      );
    }
    parameters += shape.reduce((a, b) => a * b, 1);
  }
  let bytes = 0;
  for (const file of await weightFiles(dir)) bytes += (await stat(join(dir, file))).size;
  return { kind: "model" as const, dir, config, tensors: tensors.size, parameters, bytes };
}

/** Describes an adapter directory through @kairos/lora's loader (which validates it). */
export async function describeAdapter(dir: string) {
  const adapter = await loadAdapter(dir);
  const modules = Object.values(adapter.modules);
  const parameters = modules.reduce((n, m) => n + m.rank * (m.inFeatures + m.outFeatures), 0);
  const { size } = await stat(join(dir, "adapter_model.safetensors"));
  return {
    kind: "adapter" as const,
    dir,
    config: adapter.config,
    modules: modules.length,
    parameters,
    bytes: size,
  };
}

/** Runs `kairos info DIR`. */
export async function info(dir: string, flags: { json?: boolean }, io: CliIo): Promise<void> {
  if (!existsSync(dir)) throw new UsageError(`DIR "${dir}" does not exist`);
  if (existsSync(join(dir, "adapter_config.json"))) {
    const a = await describeAdapter(dir);
    const c = a.config;
    const targets = Array.isArray(c.targetModules) ? c.targetModules.join(", ") : c.targetModules;
    emit(
      io,
      flags.json,
      a,
      [
        `${dir}: LoRA adapter (PEFT layout)`,
        `  rank ${c.r}, alpha ${c.loraAlpha}, dropout ${c.loraDropout}, rsLoRA ${c.useRslora ? "yes" : "no"}`,
        `  target modules: ${targets}`,
        `  adapted modules ${a.modules}, parameters ${count(a.parameters)} (${mib(a.bytes)})`,
        `  base model: ${c.baseModelNameOrPath ?? "not recorded"}`,
      ].join("\n"),
    );
    return;
  }
  if (existsSync(join(dir, "config.json"))) {
    const m = await describeModel(dir);
    const c = m.config;
    const t = c.tokenizer;
    emit(
      io,
      flags.json,
      m,
      [
        `${dir}: Llama model (safetensors + config.json)`,
        `  layers ${c.numHiddenLayers}, hidden ${c.hiddenSize}, heads ${c.numAttentionHeads} (kv ${c.numKeyValueHeads}), intermediate ${c.intermediateSize}, vocab ${c.vocabSize}`,
        t
          ? `  Chronos tokenizer: context ${t.contextLength}, prediction ${t.predictionLength}, limits [${t.lowLimit}, ${t.highLimit}]`
          : "  no tokenizer settings (not a forecaster)",
        `  tensors ${m.tensors}, parameters ${count(m.parameters)} (${mib(m.bytes)})`,
      ].join("\n"),
    );
    return;
  }
  throw new UsageError(
    `DIR "${dir}" holds neither a model (config.json + model.safetensors) nor an adapter (adapter_config.json + adapter_model.safetensors)`,
  );
}
