// `kairos info DIR`: what a model directory (config.json + model.safetensors or its shards) or a
// PEFT adapter directory (adapter_model.safetensors + adapter_config.json) holds, after checking
// its files.

import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ReferenceBackend } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import {
  fromConfigJson,
  modelFamily,
  parseShardIndex,
  SHARD_INDEX_FILE,
  shardFiles,
} from "@kairos/train";
import { readModelDirectory } from "@kairos/train/node";
import { resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import { parseHubId } from "../hub/hub-id.js";
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

/**
 * Describes a model directory (one or sharded safetensors) of any family; throws naming a bad
 * tensor. A Llama without tokenizer settings is described, though it is no forecaster.
 */
export async function describeModel(dir: string) {
  const { config: json, tensors } = await readModelDirectory(dir);
  const family = modelFamily(json);
  const config = json as Record<string, unknown>;
  let parameters = 0;
  for (const [key, shape] of family.shapes(config)) {
    const t = tensors.get(key);
    if (!t) throw new Error(`${dir}: no tensor ${key}, which the config needs`);
    if (t.shape.join() !== shape.join()) {
      throw new Error(
        `${dir}: tensor ${key} must have shape [${shape}] for config.json, got [${t.shape}]`,
      );
    }
    parameters += shape.reduce((a, b) => a * b, 1);
  }
  const lines =
    family.name === "llama" && config.chronos_config === undefined
      ? bareLlama(config)
      : family.build(config, tensors, new ReferenceBackend()).describe();
  let bytes = 0;
  for (const file of await weightFiles(dir)) bytes += (await stat(join(dir, file))).size;
  const about = { kind: "model" as const, dir, family: family.name, config };
  return { ...about, tensors: tensors.size, parameters, bytes, lines };
}

/** A Llama language model without forecasting settings, in the lines describe() gives. */
function bareLlama(json: Record<string, unknown>): string[] {
  const c = fromConfigJson(json as Parameters<typeof fromConfigJson>[0]);
  return [
    "Llama model (model.safetensors + config.json)",
    `  layers ${c.numHiddenLayers}, hidden ${c.hiddenSize}, heads ${c.numAttentionHeads} (kv ${c.numKeyValueHeads}), intermediate ${c.intermediateSize}, vocab ${c.vocabSize}`,
    "  no tokenizer settings (not a forecaster)",
  ];
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

/** Runs `kairos info DIR` (DIR may be a hub id: the cached snapshot, pulled when not cached). */
export async function info(target: string, flags: { json?: boolean }, io: CliIo): Promise<void> {
  const hub = !existsSync(target) && parseHubId(target) !== null;
  const dir = hub ? await resolveBase(target, io) : target;
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
    const { lines, ...m } = await describeModel(dir);
    emit(
      io,
      flags.json,
      m,
      [
        `${dir}: ${lines[0]}`,
        ...lines.slice(1),
        `  tensors ${m.tensors}, parameters ${count(m.parameters)} (${mib(m.bytes)})`,
      ].join("\n"),
    );
    return;
  }
  throw new UsageError(
    `DIR "${dir}" holds neither a model (config.json + model.safetensors) nor an adapter (adapter_config.json + adapter_model.safetensors)`,
  );
}
