import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { bundledModelDir } from "../src/bundled-model.js";
import { forecast } from "../src/forecast/forecast.js";
import { loadModel, readModelDirectory } from "../src/node.js";
import { shardName, writeShardedCopy } from "./helpers/sharded-copy.js";

const backend = new ReferenceBackend();
const tiny = bundledModelDir() as string;

it("readModelDirectory(dir) merges a sharded kairos-base-tiny into the unsharded tensors", async () => {
  const dir = join(await mkdtemp(join(tmpdir(), "kairos-shards-")), "m");
  const files = await writeShardedCopy(tiny, dir, 2);
  expect(files).toEqual([shardName(0, 2), shardName(1, 2)]);
  const whole = await readModelDirectory(tiny);
  const sharded = await readModelDirectory(dir);
  expect(sharded.config).toEqual(whole.config);
  expect([...sharded.tensors.keys()].sort()).toEqual([...whole.tensors.keys()].sort());
  for (const [name, t] of whole.tensors) {
    expect(sharded.tensors.get(name)?.shape, name).toEqual(t.shape);
    const got = (sharded.tensors.get(name) as typeof t).data;
    // Bytes compared at once: a deep equal over 300k floats is slow and adds nothing.
    expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(t.data.buffer)), name).toBe(0);
  }
});

it("loadModel(dir) of a sharded copy forecasts exactly as the unsharded model", async () => {
  const dir = join(await mkdtemp(join(tmpdir(), "kairos-shards-")), "m");
  await writeShardedCopy(tiny, dir, 2);
  const history = Float32Array.from({ length: 64 }, (_, i) => 100 + 10 * Math.sin(i / 4));
  const options = { horizon: 8, samples: 4, seed: 1 };
  const a = await forecast(await loadModel(tiny, { backend }), history, options);
  const b = await forecast(await loadModel(dir, { backend }), history, options);
  expect(b).toEqual(a);
});

it("readModelDirectory(dir) names a missing shard and a tensor its shard lacks", async () => {
  const dir = join(await mkdtemp(join(tmpdir(), "kairos-shards-")), "m");
  await writeShardedCopy(tiny, dir, 2);
  const indexPath = join(dir, "model.safetensors.index.json");
  const index = JSON.parse(await readFile(indexPath, "utf8"));
  index.weight_map["not.a.tensor"] = shardName(0, 2);
  await writeFile(indexPath, JSON.stringify(index));
  await expect(readModelDirectory(dir)).rejects.toThrow(
    `lists tensor not.a.tensor in ${shardName(0, 2)}, but ${shardName(0, 2)} has no such tensor`,
  );
  await rm(join(dir, shardName(1, 2)));
  await expect(readModelDirectory(dir)).rejects.toThrow(
    new RegExp(`${shardName(1, 2)}: missing \\(named by model\\.safetensors\\.index\\.json\\)`),
  );
});

it("readModelDirectory(dir) names a directory with neither weights file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kairos-shards-"));
  await writeFile(join(dir, "config.json"), "{}");
  await expect(readModelDirectory(dir)).rejects.toThrow(
    /holds neither model\.safetensors nor model\.safetensors\.index\.json/,
  );
});
