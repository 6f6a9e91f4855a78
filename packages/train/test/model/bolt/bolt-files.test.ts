import { ReferenceBackend, readSafetensors, writeSafetensors } from "@kairos/lora";
import { expect, it } from "vitest";
import { parseBoltModel, serializeBoltModel } from "../../../src/model/bolt/bolt-files.js";
import { ChronosBoltModel } from "../../../src/model/bolt/bolt-model.js";
import { seasonal, tinyBoltConfig, tinyBoltWeights } from "../../helpers/tiny-bolt.js";

const backend = new ReferenceBackend();

it("serializeBoltModel(model) round-trips through parseBoltModel: config and predictions", async () => {
  const config = tinyBoltConfig("gelu_new", 2);
  const model = new ChronosBoltModel(config, tinyBoltWeights(config), { backend });
  const files = serializeBoltModel(model);
  const json = JSON.parse(files["config.json"]);
  expect(json.architectures).toEqual(["ChronosBoltModelForForecasting"]);
  expect(json.chronos_config.input_patch_stride).toBe(2);
  const back = parseBoltModel(files, { backend });
  const plain = (c: typeof config) => ({ ...c, t5: { ...c.t5, raw: null } });
  expect(plain(back.config)).toEqual(plain(model.config));
  const context = [seasonal(14, 0, 5)];
  expect([...(await back.predict(context, 5))]).toEqual([...(await model.predict(context, 5))]);
});

it("parseBoltModel(files) names a missing or mis-shaped tensor", () => {
  const config = tinyBoltConfig();
  const files = serializeBoltModel(
    new ChronosBoltModel(config, tinyBoltWeights(config), { backend }),
  );
  const { tensors } = readSafetensors(files["model.safetensors"]);
  const without = new Map(tensors);
  without.delete("output_patch_embedding.residual_layer.bias");
  expect(() =>
    parseBoltModel({ ...files, "model.safetensors": writeSafetensors(without) }, { backend }),
  ).toThrow(/no tensor output_patch_embedding.residual_layer.bias/);
  const bad = new Map(tensors);
  bad.set("input_patch_embedding.hidden_layer.weight", {
    shape: [2, 2],
    data: new Float32Array(4),
  });
  expect(() =>
    parseBoltModel({ ...files, "model.safetensors": writeSafetensors(bad) }, { backend }),
  ).toThrow(/input_patch_embedding.hidden_layer.weight must have shape \[10,8\]/);
});
