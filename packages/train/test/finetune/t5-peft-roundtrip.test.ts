// A T5 adapter written by Kairos (fixtures/chronos/t5/kairos-adapter, by write_kairos_adapter.mjs)
// loads in PEFT onto transformers' T5 — check_kairos_adapter.py did so and recorded PEFT's logits
// and loss there — and Kairos computes the same logits and loss with it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReferenceBackend } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import { expect, it } from "vitest";
import { T5LoraModel } from "../../src/finetune/t5-lora-model.js";
import { loadT5Model } from "../../src/node.js";
import { maxRelError } from "../helpers/finite-difference.js";

const dir = join(import.meta.dirname, "../fixtures/chronos/t5");
const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8"));

it("Kairos's own T5 adapter gives PEFT's logits and loss on transformers' T5", async () => {
  const expected = read("expected.json");
  const peft = read("kairos-adapter/peft.json");
  const adapter = await loadAdapter(join(dir, "kairos-adapter"));
  expect(peft.modules).toBe(Object.keys(adapter.modules).length);
  const backend = new ReferenceBackend();
  const lora = new T5LoraModel(await loadT5Model(dir, { backend }), backend, {
    rank: adapter.config.r,
    alpha: adapter.config.loraAlpha,
    targetModules: adapter.config.targetModules as ("q" | "k" | "v" | "o" | "wo")[],
  });
  lora.loadAdapter(adapter);
  const [B, Te] = expected.input_ids.shape;
  const Td = expected.labels.shape[1];
  const batch = {
    inputIds: Int32Array.from(expected.input_ids.data),
    attentionMask: Uint8Array.from(expected.attention_mask.data),
    decoderInputIds: Int32Array.from(expected.decoder_input_ids.data),
    labels: Int32Array.from(expected.labels.data),
    batchSize: B,
    encoderLength: Te,
    decoderLength: Td,
  };
  const logits = await lora.base.logits(batch);
  // Relative to the largest logit: the adapter moves the logits by more than 1e-3 there.
  const largest = Math.max(...peft.logits.data.map(Math.abs));
  expect(maxRelError(Array.from(logits), peft.logits.data, largest)).toBeLessThan(1e-4);
  expect(Math.abs((await lora.loss(batch)) - peft.loss) / peft.loss).toBeLessThan(1e-5);
});
