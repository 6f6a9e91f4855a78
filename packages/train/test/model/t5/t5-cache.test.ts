import { ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { T5LoraModel } from "../../../src/finetune/t5-lora-model.js";
import { T5Model } from "../../../src/model/t5/t5-model.js";
import { tinySeq2SeqBatch as batch, tinyT5Config, tinyT5Weights } from "../../helpers/tiny-t5.js";

const backend = new ReferenceBackend();

describe.each([
  ["relu", false, false],
  ["gated-gelu, tied", true, true],
] as const)("T5 KV-cached decoding (%s)", (_name, gated, tied) => {
  const config = tinyT5Config(gated, tied);

  it("decodeStep(cache, ids) equals the uncached logits(batch) at every position", async () => {
    const model = new T5Model(config, tinyT5Weights(config), { backend });
    const { batchSize: B, encoderLength: Te, decoderLength: Td } = batch;
    const V = config.vocabSize;
    const full = await model.logits(batch);
    const enc = await model.encode(batch.inputIds, batch.attentionMask ?? null, B, Te);
    const cache = await model.decoderCache(enc, batch.attentionMask ?? null, B, Te, Td);
    for (let t = 0; t < Td; t++) {
      const ids = Int32Array.from({ length: B }, (_, b) => batch.decoderInputIds[b * Td + t]);
      const step = await model.decodeStep(cache, ids);
      for (let b = 0; b < B; b++) {
        const want = full.subarray((b * Td + t) * V, (b * Td + t + 1) * V);
        const got = step.subarray(b * V, (b + 1) * V);
        for (let v = 0; v < V; v++) expect(got[v]).toBeCloseTo(want[v], 5);
      }
    }
    expect(cache.length).toBe(Td);
    await expect(model.decodeStep(cache, Int32Array.of(0, 0))).rejects.toThrow(/all used/);
  });

  it("a cache of 3 copies a source decodes as the sources repeated 3 times", async () => {
    const model = new T5Model(config, tinyT5Weights(config), { backend });
    const { batchSize: B, encoderLength: Te, decoderLength: Td } = batch;
    const mask = batch.attentionMask ?? null;
    const enc = await model.encode(batch.inputIds, mask, B, Te);
    const copied = await model.decoderCache(enc, mask, B, Te, Td, 3);
    const rows = enc.length / B;
    const repeated = new Float32Array(enc.length * 3);
    const masks = mask && new Uint8Array(mask.length * 3);
    for (let r = 0; r < B * 3; r++) {
      const b = Math.floor(r / 3);
      repeated.set(enc.subarray(b * rows, (b + 1) * rows), r * rows);
      masks?.set((mask as Uint8Array).subarray(b * Te, (b + 1) * Te), r * Te);
    }
    const plain = await model.decoderCache(repeated, masks, B * 3, Te, Td);
    expect(copied.batchSize).toBe(B * 3);
    for (let t = 0; t < Td; t++) {
      const ids = Int32Array.from({ length: B * 3 }, (_, r) => (5 * r + t) % config.vocabSize);
      expect(await model.decodeStep(copied, ids)).toEqual(await model.decodeStep(plain, ids));
    }
  });

  it("decodeStep(...) through LoRA layers equals logits(batch) of the same adapted model", async () => {
    const base = new T5Model(config, tinyT5Weights(config), { backend });
    const lora = new T5LoraModel(base, backend, { rank: 2, targetModules: ["q", "v", "wo"] });
    for (const l of Object.values(lora.layers))
      for (let i = 0; i < l.loraB.length; i++) l.loraB[i] = 0.3 * Math.sin(i);
    const { batchSize: B, encoderLength: Te, decoderLength: Td } = batch;
    const V = config.vocabSize;
    const full = await base.logits(batch);
    const cache = await base.decoderCache(
      await base.encode(batch.inputIds, batch.attentionMask ?? null, B, Te),
      batch.attentionMask ?? null,
      B,
      Te,
      Td,
    );
    for (let t = 0; t < Td; t++) {
      const step = await base.decodeStep(
        cache,
        Int32Array.from({ length: B }, (_, b) => batch.decoderInputIds[b * Td + t]),
      );
      for (let v = 0; v < V; v++) expect(step[V + v]).toBeCloseTo(full[(Td + t) * V + v], 5);
    }
  });
});
