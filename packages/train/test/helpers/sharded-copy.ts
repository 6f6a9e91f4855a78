// Writes a sharded copy of a model directory, as transformers' save_pretrained would with a small
// max_shard_size: the tensors split over `shards` files plus model.safetensors.index.json.
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type NamedTensor, readSafetensors, writeSafetensors } from "@kairos/lora";

/** The shard file names transformers uses: model-00001-of-00002.safetensors, … */
export const shardName = (i: number, n: number) =>
  `model-${String(i + 1).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.safetensors`;

/** Copies `from` (config.json + model.safetensors) into `to` with its tensors in `shards` files. */
export async function writeShardedCopy(from: string, to: string, shards = 2): Promise<string[]> {
  const { tensors } = readSafetensors(
    new Uint8Array(await readFile(join(from, "model.safetensors"))),
  );
  const names = [...tensors.keys()];
  const per = Math.ceil(names.length / shards);
  const weightMap: Record<string, string> = {};
  await mkdir(to, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < shards; i++) {
    const part = new Map<string, NamedTensor>();
    for (const name of names.slice(i * per, (i + 1) * per)) {
      part.set(name, tensors.get(name) as NamedTensor);
      weightMap[name] = shardName(i, shards);
    }
    await writeFile(join(to, shardName(i, shards)), writeSafetensors(part, { format: "pt" }));
    files.push(shardName(i, shards));
  }
  const index = { metadata: { total_size: 0 }, weight_map: weightMap };
  await writeFile(join(to, "model.safetensors.index.json"), JSON.stringify(index, null, 2));
  await copyFile(join(from, "config.json"), join(to, "config.json"));
  return files;
}
