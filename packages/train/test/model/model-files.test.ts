import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReferenceBackend, readSafetensorsHeader } from "@kairos/lora";
import { expect, it } from "vitest";
import { LlamaModel } from "../../src/model/llama.js";
import { parseModel, serializeModel } from "../../src/model/model-files.js";
import { loadModel, saveModel } from "../../src/node.js";
import { tinyConfig } from "../helpers/tiny.js";

const backend = new ReferenceBackend();
const model = LlamaModel.create({ ...tinyConfig }, 4, { backend });

it("serializeModel(...) writes Llama key names and a config.json LlamaConfig reads", () => {
  const files = serializeModel(model);
  const header = readSafetensorsHeader(files["model.safetensors"]);
  expect([...header.tensors.keys()]).toContain("model.layers.1.self_attn.k_proj.weight");
  expect(header.tensors.get("model.layers.0.mlp.down_proj.weight")?.shape).toEqual([8, 12]);
  expect(header.tensors.get("lm_head.weight")?.shape).toEqual([11, 8]);
  expect(header.metadata).toEqual({ format: "pt" });
  const config = JSON.parse(files["config.json"]);
  expect(config).toMatchObject({
    model_type: "llama",
    hidden_size: 8,
    intermediate_size: 12,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    num_key_value_heads: 1,
    vocab_size: 11,
    tie_word_embeddings: false,
  });
});

it("saveModel(dir)/loadModel(dir) round-trip every weight exactly", async () => {
  const dir = join(await mkdtemp(join(tmpdir(), "kairos-train-")), "m");
  await saveModel(dir, model);
  expect((await readdir(dir)).sort()).toEqual(["config.json", "model.safetensors"]);
  const back = await loadModel(dir, { backend });
  for (const [k, w] of model.weights)
    expect(Array.from(back.weights.get(k) as Float32Array), k).toEqual(Array.from(w));
  expect(JSON.parse(await readFile(join(dir, "config.json"), "utf8")).model_type).toBe("llama");
});

it("parseModel(...) names a tensor of the wrong shape", () => {
  const other = LlamaModel.create({ ...tinyConfig, intermediateSize: 16 }, 4, { backend });
  const files = { ...serializeModel(other), "config.json": serializeModel(model)["config.json"] };
  expect(() => parseModel(files, { backend })).toThrow(
    /tensor model\.layers\.0\.mlp\.gate_proj\.weight must have shape \[12,8\], got \[16,8\]/,
  );
});
