// The index of a sharded safetensors model, `model.safetensors.index.json` as transformers'
// `save_pretrained` writes it: `weight_map` names, for every tensor, the shard file holding it.
// Browser-safe: parsing and merging only; reading the shard files is the caller's IO.
import type { NamedTensor } from "@kairos/lora";

/** The index file's name beside the shards (transformers' `SAFE_WEIGHTS_INDEX_NAME`). */
export const SHARD_INDEX_FILE = "model.safetensors.index.json";

// A shard is named by a relative path inside the model directory; anything that could leave the
// directory (an absolute path, `..`) is refused, since the name may come from a downloaded repo.
const isPlainRelative = (name: string) =>
  name !== "" &&
  !name.startsWith("/") &&
  !name.includes("\\") &&
  name.split("/").every((part) => part !== "" && part !== "." && part !== "..");

/**
 * Parses an index file into tensor name → shard file. Throws naming a malformed entry.
 * @example parseShardIndex(text).get("lm_head.weight") // "model-00002-of-00002.safetensors"
 */
export function parseShardIndex(text: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`${SHARD_INDEX_FILE}: not valid JSON (${(e as Error).message})`);
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== "object" || weightMap === null || Array.isArray(weightMap)) {
    throw new RangeError(`${SHARD_INDEX_FILE}: weight_map must be an object of tensor → shard`);
  }
  const map = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== "string" || !isPlainRelative(shard)) {
      throw new RangeError(
        `${SHARD_INDEX_FILE}: tensor ${tensor} must name a shard file inside the model directory, got ${JSON.stringify(shard)}`,
      );
    }
    map.set(tensor, shard);
  }
  return map;
}

/** The distinct shard files an index names, in first-mention order. */
export const shardFiles = (weightMap: Map<string, string>): string[] => [
  ...new Set(weightMap.values()),
];

/**
 * Merges the tensors of every shard into one map, as the index assigns them; throws naming a
 * shard that was not given or a tensor the index lists but its shard lacks.
 * @param shards shard file name → that file's tensors.
 */
export function mergeShards(
  weightMap: Map<string, string>,
  shards: Map<string, Map<string, NamedTensor>>,
): Map<string, NamedTensor> {
  const tensors = new Map<string, NamedTensor>();
  for (const [name, shard] of weightMap) {
    const file = shards.get(shard);
    if (!file) throw new RangeError(`${SHARD_INDEX_FILE}: shard ${shard} is missing`);
    const tensor = file.get(name);
    if (!tensor) {
      throw new RangeError(
        `${SHARD_INDEX_FILE} lists tensor ${name} in ${shard}, but ${shard} has no such tensor`,
      );
    }
    tensors.set(name, tensor);
  }
  return tensors;
}
