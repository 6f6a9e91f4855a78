// Which files of a repository Kairos needs: a model's config and safetensors weights (one file,
// or the index whose shards follow), or a PEFT adapter's two files; nothing else is downloaded.
import { SHARD_INDEX_FILE } from "@kairos/train";

/** The files to fetch first; when the list holds the shard index, its shards come after. */
export function filesToPull(repo: string, files: readonly string[]): string[] {
  const has = new Set(files);
  const onlyTorch = `${repo} has only PyTorch .bin weights; Kairos reads safetensors only (save them with safe_serialization=True)`;
  if (has.has("adapter_config.json")) {
    if (has.has("adapter_model.safetensors"))
      return ["adapter_config.json", "adapter_model.safetensors"];
    throw new Error(
      has.has("adapter_model.bin") ? onlyTorch : `${repo} has no adapter_model.safetensors`,
    );
  }
  if (!has.has("config.json")) {
    throw new Error(`${repo} has no config.json: neither a model nor an adapter repository`);
  }
  const start = [
    "config.json",
    ...(has.has("generation_config.json") ? ["generation_config.json"] : []),
  ];
  if (has.has("model.safetensors")) return [...start, "model.safetensors"];
  if (has.has(SHARD_INDEX_FILE)) return [...start, SHARD_INDEX_FILE];
  if (files.some((f) => f.startsWith("pytorch_model") && f.includes(".bin")))
    throw new Error(onlyTorch);
  throw new Error(`${repo} has no model.safetensors or ${SHARD_INDEX_FILE}`);
}
