import { expect, it } from "vitest";
import { mergeShards, parseShardIndex, shardFiles } from "../../src/model/safetensors-index.js";

const tensor = (v: number) => ({ shape: [1], data: new Float32Array([v]) });

it("parseShardIndex(text) maps every tensor to its shard, shardFiles lists each shard once", () => {
  const map = parseShardIndex(
    JSON.stringify({
      metadata: {},
      weight_map: { a: "s1.safetensors", b: "s2.safetensors", c: "s1.safetensors" },
    }),
  );
  expect([...map]).toEqual([
    ["a", "s1.safetensors"],
    ["b", "s2.safetensors"],
    ["c", "s1.safetensors"],
  ]);
  expect(shardFiles(map)).toEqual(["s1.safetensors", "s2.safetensors"]);
});

it("parseShardIndex(text) refuses bad JSON, no weight_map and shard names leaving the directory", () => {
  expect(() => parseShardIndex("{")).toThrow(/not valid JSON/);
  expect(() => parseShardIndex("{}")).toThrow(/weight_map must be an object/);
  for (const bad of ["../x.safetensors", "/etc/x", "a//b", "", 3]) {
    expect(() => parseShardIndex(JSON.stringify({ weight_map: { w: bad } }))).toThrow(
      /tensor w must name a shard file inside the model directory/,
    );
  }
});

it("mergeShards(map, shards) merges, naming a missing shard or a listed tensor its shard lacks", () => {
  const map = new Map([
    ["a", "s1"],
    ["b", "s2"],
  ]);
  const merged = mergeShards(
    map,
    new Map([
      ["s1", new Map([["a", tensor(1)]])],
      ["s2", new Map([["b", tensor(2)]])],
    ]),
  );
  expect([...merged.keys()]).toEqual(["a", "b"]);
  expect(merged.get("b")?.data[0]).toBe(2);
  expect(() => mergeShards(map, new Map([["s1", new Map([["a", tensor(1)]])]]))).toThrow(
    /shard s2 is missing/,
  );
  expect(() =>
    mergeShards(
      map,
      new Map([
        ["s1", new Map([["a", tensor(1)]])],
        ["s2", new Map([["c", tensor(3)]])],
      ]),
    ),
  ).toThrow(/lists tensor b in s2, but s2 has no such tensor/);
});
