// Node file IO of `@kairos/train` (the `@kairos/train/node` subpath): a model directory holds
// `model.safetensors` + `config.json`, written into a temporary sibling and renamed into place so a
// crash never leaves half a model.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { LlamaModel, LlamaModelOptions } from "./model/llama.js";
import { parseModel, serializeModel } from "./model/model-files.js";
import { parseT5Model, serializeT5Model } from "./model/t5/t5-files.js";
import type { T5Model, T5ModelOptions } from "./model/t5/t5-model.js";
import {
  type CheckpointFiles,
  parseCheckpoint,
  serializeCheckpoint,
} from "./train/checkpoint-files.js";
import type { TrainerCheckpoint } from "./train/trainer.js";

async function writeDirectory(
  fn: string,
  dir: string,
  files: Record<string, Uint8Array | string>,
): Promise<void> {
  if (typeof dir !== "string" || dir === "")
    throw new TypeError(`${fn}: dir must be a non-empty path, got ${JSON.stringify(dir)}`);
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await mkdir(tmp);
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(tmp, name), data);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Writes `model` to directory `dir` (replacing an existing model directory there). */
export async function saveModel(dir: string, model: LlamaModel): Promise<void> {
  await writeDirectory("saveModel()", dir, { ...serializeModel(model) });
}

/** Writes a trainer checkpoint (parameters, AdamW moments, step, random state) to `dir`. */
export async function saveCheckpoint(dir: string, checkpoint: TrainerCheckpoint): Promise<void> {
  await writeDirectory("saveCheckpoint()", dir, { ...serializeCheckpoint(checkpoint) });
}

/** Reads a checkpoint written by {@link saveCheckpoint}. */
export async function loadCheckpoint(dir: string): Promise<TrainerCheckpoint> {
  const files: CheckpointFiles = {
    "trainer_state.safetensors": new Uint8Array(
      await readFile(join(dir, "trainer_state.safetensors")),
    ),
    "trainer_state.json": await readFile(join(dir, "trainer_state.json"), "utf8"),
  };
  return parseCheckpoint(files);
}

/** Reads a model directory written by {@link saveModel} (or by transformers in float32). */
export async function loadModel(dir: string, options: LlamaModelOptions): Promise<LlamaModel> {
  const [weights, config] = await Promise.all([
    readFile(join(dir, "model.safetensors")),
    readFile(join(dir, "config.json"), "utf8"),
  ]);
  return parseModel(
    { "model.safetensors": new Uint8Array(weights), "config.json": config },
    options,
  );
}

/** Writes a T5 model (HF key names; config.json with `chronos_config` kept) to `dir`. */
export async function saveT5Model(dir: string, model: T5Model): Promise<void> {
  await writeDirectory("saveT5Model()", dir, { ...serializeT5Model(model) });
}

/**
 * Reads a T5 model directory (`config.json` + `model.safetensors`, as transformers writes a
 * `T5ForConditionalGeneration` in float32, e.g. amazon/chronos-t5-*), with or without the
 * `encoder.embed_tokens` / `decoder.embed_tokens` copies of `shared.weight`.
 */
export async function loadT5Model(dir: string, options: T5ModelOptions): Promise<T5Model> {
  const [weights, config] = await Promise.all([
    readFile(join(dir, "model.safetensors")),
    readFile(join(dir, "config.json"), "utf8"),
  ]);
  return parseT5Model(
    { "model.safetensors": new Uint8Array(weights), "config.json": config },
    options,
  );
}

export { loadAdapter, saveAdapter } from "@kairos/lora/node";
export { BUNDLED_MODEL, bundledModelDir } from "./bundled-model.js";
