// Node file IO of `@kairos/train` (the `@kairos/train/node` subpath): a model directory holds
// `model.safetensors` + `config.json`, written into a temporary sibling and renamed into place so a
// crash never leaves half a model.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Backend } from "@kairos/lora";
import type { ForecastModel } from "./family/forecast-model.js";
import { forecastModelFromTensors } from "./family/model-families.js";
import type { LlamaModel, LlamaModelOptions } from "./model/llama.js";
import { modelFromTensors, serializeModel } from "./model/model-files.js";
import { t5ConfigFromJson } from "./model/t5/t5-config.js";
import { serializeT5Model, t5WeightsFromTensors } from "./model/t5/t5-files.js";
import { T5Model, type T5ModelOptions } from "./model/t5/t5-model.js";
import { readModelDirectory } from "./model-directory.js";
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

/**
 * Reads a model directory written by {@link saveModel} or by transformers (one
 * `model.safetensors` or sharded, F32/F16/BF16), through {@link readModelDirectory}.
 */
export async function loadModel(dir: string, options: LlamaModelOptions): Promise<LlamaModel> {
  const { config, tensors } = await readModelDirectory(dir);
  return modelFromTensors(config, tensors, options, "loadModel()");
}

/**
 * Reads a T5 model directory (a Chronos checkpoint: config.json + model.safetensors, or sharded).
 * The duplicates `encoder.embed_tokens` / `decoder.embed_tokens` of `shared`, when a file has
 * them, are not needed.
 */
export async function loadT5Model(dir: string, options: T5ModelOptions): Promise<T5Model> {
  const { config, tensors } = await readModelDirectory(dir);
  try {
    const c = t5ConfigFromJson(config as Record<string, unknown>);
    return new T5Model(c, t5WeightsFromTensors(c, tensors, "loadT5Model()"), options);
  } catch (e) {
    throw new Error(`loadT5Model(): ${dir}: ${(e as Error).message}`);
  }
}

/** Writes a T5 model (HF key names; config.json with `chronos_config` kept) to `dir`. */
export async function saveT5Model(dir: string, model: T5Model): Promise<void> {
  await writeDirectory("saveT5Model()", dir, { ...serializeT5Model(model) });
}

/**
 * Reads a model directory of any family Kairos loads (a Kairos Llama, a Chronos T5) as its
 * {@link ForecastModel}, by config.json (see `MODEL_FAMILIES`). Errors name the directory.
 * @example
 * const model = await loadForecastModel("models/chronos-t5-tiny", { backend });
 * const { median } = await model.forecast(closes, { horizon: 30 });
 */
export async function loadForecastModel(
  dir: string,
  options: { backend: Backend },
): Promise<ForecastModel<unknown>> {
  const { config, tensors } = await readModelDirectory(dir);
  try {
    return forecastModelFromTensors(config, tensors, options.backend);
  } catch (e) {
    throw new Error(`loadForecastModel(): ${dir}: ${(e as Error).message}`);
  }
}

/** Writes a forecaster's current weights (merged adapters included) and config to `dir`. */
export async function saveForecastModel(dir: string, model: ForecastModel<unknown>): Promise<void> {
  await writeDirectory("saveForecastModel()", dir, model.files());
}

export { loadAdapter, saveAdapter } from "@kairos/lora/node";
export { BUNDLED_MODEL, bundledModelDir } from "./bundled-model.js";
export { loadBoltModel } from "./model/bolt/load-bolt-model.js";
export type { ModelDirectory } from "./model-directory.js";
export { readModelDirectory } from "./model-directory.js";
