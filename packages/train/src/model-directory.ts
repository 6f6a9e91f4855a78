// Reads a model directory's config and float32 tensors, whatever the model family: a single
// `model.safetensors`, or `model.safetensors.index.json` and the shards it names (large models as
// transformers saves them). Node only; the Llama loader and other families build on it.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type NamedTensor, readSafetensors } from "@kairos/lora";
import {
  mergeShards,
  parseShardIndex,
  SHARD_INDEX_FILE,
  shardFiles,
} from "./model/safetensors-index.js";

/** What a model directory holds: its parsed `config.json` and every tensor by name. */
export interface ModelDirectory {
  /** `config.json` as parsed JSON, for the family's own config reader. */
  config: unknown;
  /** Tensor name → row-major float32 values and shape (F16/BF16/F64 files widened). */
  tensors: Map<string, NamedTensor>;
}

async function readTensors(dir: string, file: string): Promise<Map<string, NamedTensor>> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`${path}: missing (named by ${SHARD_INDEX_FILE})`);
  try {
    return readSafetensors(new Uint8Array(await readFile(path))).tensors;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads `config.json` and the weights of the model in `dir`: `model.safetensors` when present,
 * else `model.safetensors.index.json` with all its shards merged. Throws naming a missing file,
 * a missing shard or a tensor the index lists but its shard lacks.
 * @example
 * const { config, tensors } = await readModelDirectory("models/chronos-t5-small");
 * tensors.get("shared.weight")?.shape // [4096, 512]
 */
export async function readModelDirectory(dir: string): Promise<ModelDirectory> {
  const configPath = join(dir, "config.json");
  const text = await readFile(configPath, "utf8");
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new Error(`${configPath}: not valid JSON (${(e as Error).message})`);
  }
  if (existsSync(join(dir, "model.safetensors"))) {
    return { config, tensors: await readTensors(dir, "model.safetensors") };
  }
  const indexPath = join(dir, SHARD_INDEX_FILE);
  if (!existsSync(indexPath)) {
    throw new Error(`${dir} holds neither model.safetensors nor ${SHARD_INDEX_FILE}`);
  }
  const weightMap = parseShardIndex(await readFile(indexPath, "utf8"));
  const shards = new Map<string, Map<string, NamedTensor>>();
  for (const file of shardFiles(weightMap)) shards.set(file, await readTensors(dir, file));
  return { config, tensors: mergeShards(weightMap, shards) };
}
