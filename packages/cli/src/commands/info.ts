// `kairos info DIR`: what a model directory (model.safetensors + config.json) or a PEFT adapter
// directory (adapter_model.safetensors + adapter_config.json) holds, after checking its files.

import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { readSafetensorsHeader } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import { fromConfigJson, parameterShapes } from "@kairos/train";
import { emit } from "../emit.js";
import type { CliIo } from "../io.js";
import { UsageError } from "../usage-error.js";

const count = (n: number) => n.toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function readJson(dir: string, name: string): Promise<Record<string, unknown>> {
  const text = await readFile(join(dir, name), "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${join(dir, name)}: not valid JSON (${(e as Error).message})`);
  }
}

/** Describes a model directory; throws naming a missing, mis-shaped or truncated tensor. */
export async function describeModel(dir: string) {
  const config = fromConfigJson(await readJson(dir, "config.json"));
  const path = join(dir, "model.safetensors");
  const bytes = new Uint8Array(await readFile(path));
  let header: ReturnType<typeof readSafetensorsHeader>;
  try {
    header = readSafetensorsHeader(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  let parameters = 0;
  for (const [key, shape] of parameterShapes(config)) {
    const t = header.tensors.get(key);
    if (!t) throw new Error(`${path}: no tensor ${key}, which the config needs`);
    if (t.shape.join() !== shape.join()) {
      throw new Error(
        `${path}: tensor ${key} must have shape [${shape}] for config.json, got [${t.shape}]`,
      );
    }
    parameters += shape.reduce((a, b) => a * b, 1);
  }
  return {
    kind: "model" as const,
    dir,
    config,
    tensors: header.tensors.size,
    parameters,
    bytes: bytes.length,
  };
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
        `${dir}: Llama model (model.safetensors + config.json)`,
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
