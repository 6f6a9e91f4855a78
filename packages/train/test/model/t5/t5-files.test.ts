import { readSafetensors, writeSafetensors } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { parseT5Model, serializeT5Model } from "../../../src/model/t5/t5-files.js";
import { T5Model } from "../../../src/model/t5/t5-model.js";
import { naiveBackend } from "../../helpers/naive-backend.js";
import { tinySeq2SeqBatch as batch, tinyT5Config, tinyT5Weights } from "../../helpers/tiny-t5.js";

describe("T5 model files", () => {
  const config = tinyT5Config(false, true);
  const model = new T5Model(config, tinyT5Weights(config), { backend: naiveBackend });

  it("parseT5Model(serializeT5Model(model)) gives the same logits, with or without embed_tokens copies", async () => {
    const files = serializeT5Model(model);
    const json = JSON.parse(files["config.json"]);
    expect(json.architectures).toEqual(["T5ForConditionalGeneration"]);
    const want = Array.from(await model.logits(batch));
    expect(Array.from(await parseT5Model(files, { backend: naiveBackend }).logits(batch))).toEqual(
      want,
    );
    // As transformers may write it: shared under its encoder/decoder aliases only.
    const { tensors } = readSafetensors(files["model.safetensors"]);
    const shared = tensors.get("shared.weight") as { shape: number[]; data: Float32Array };
    tensors.delete("shared.weight");
    tensors.set("encoder.embed_tokens.weight", shared);
    tensors.set("decoder.embed_tokens.weight", shared);
    const aliased = { ...files, "model.safetensors": writeSafetensors(tensors, { format: "pt" }) };
    expect(
      Array.from(await parseT5Model(aliased, { backend: naiveBackend }).logits(batch)),
    ).toEqual(want);
  });

  it("parseT5Model(files) names a missing tensor", () => {
    const files = serializeT5Model(model);
    const { tensors } = readSafetensors(files["model.safetensors"]);
    tensors.delete("decoder.final_layer_norm.weight");
    const broken = { ...files, "model.safetensors": writeSafetensors(tensors, { format: "pt" }) };
    expect(() => parseT5Model(broken, { backend: naiveBackend })).toThrow(
      /no tensor decoder\.final_layer_norm\.weight/,
    );
  });
});
