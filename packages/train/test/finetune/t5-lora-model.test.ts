import { parseAdapter, ReferenceBackend, serializeAdapter } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { T5LoraModel, type T5TargetModule } from "../../src/finetune/t5-lora-model.js";
import { parseT5Model, serializeT5Model } from "../../src/model/t5/t5-files.js";
import { T5Model } from "../../src/model/t5/t5-model.js";
import { maxRelError, numericGradient, spread } from "../helpers/finite-difference.js";
import { tinySeq2SeqBatch as batch, tinyT5Config, tinyT5Weights } from "../helpers/tiny-t5.js";

const backend = new ReferenceBackend();

function adapted(gated: boolean, targetModules?: T5TargetModule[]) {
  const config = tinyT5Config(gated, !gated);
  const base = new T5Model(config, tinyT5Weights(config), { backend });
  const lora = new T5LoraModel(base, backend, { rank: 2, alpha: 4, seed: 5, targetModules });
  // B starts at zero (PEFT): give it values so A's gradient is not zero too.
  for (const l of Object.values(lora.layers))
    for (let i = 0; i < l.loraB.length; i++) l.loraB[i] = 0.4 * Math.cos(i + 1);
  return lora;
}

describe("T5LoraModel", () => {
  it.each([false, true])(
    "parameters() gradients match finite differences of loss(batch) (gated %s)",
    async (gated) => {
      const lora = adapted(gated, ["q", "k", "v", "o", "wi", "wo"]);
      lora.zeroGrad();
      await lora.base.lossAndBackward(batch);
      for (const p of lora.parameters()) {
        const idx = spread(p.value.length, 3);
        const num = await numericGradient(
          () => lora.loss(batch),
          p.value,
          idx,
          gated ? 1e-2 : 2e-3,
        );
        expect(
          maxRelError(
            idx.map((i) => p.grad[i]),
            num,
            2e-2,
          ),
          p.name,
        ).toBeLessThan(3e-2);
      }
    },
  );

  it("T5LoraModel(...) adapts encoder, decoder and cross-attention modules under PEFT's names", () => {
    const lora = adapted(true, ["q", "wi"]);
    expect(lora.targetModules).toEqual(["q", "wi_0", "wi_1"]);
    const names = lora.parameters().map((p) => p.name);
    expect(names).toContain(
      "base_model.model.encoder.block.0.layer.0.SelfAttention.q.lora_A.weight",
    );
    expect(names).toContain(
      "base_model.model.decoder.block.1.layer.1.EncDecAttention.q.lora_B.weight",
    );
    expect(names).toContain(
      "base_model.model.decoder.block.0.layer.2.DenseReluDense.wi_1.lora_A.weight",
    );
    expect(names).toHaveLength(2 * (2 + 2 * 2 + 2 * 2 + 2 * 2));
    const adapter = lora.adapter("amazon/chronos-t5-tiny");
    expect(adapter.config.taskType).toBeNull(); // PEFT 0.21 cannot load SEQ_2_SEQ_LM on transformers 5
    const files = serializeAdapter(adapter);
    expect(JSON.parse(files["adapter_config.json"]).task_type).toBeNull();
    const back = adapted(true, ["q", "wi"]);
    for (const l of Object.values(back.layers)) l.loraB.fill(0);
    back.loadAdapter(parseAdapter(files));
    expect(Array.from(back.layers["decoder.block.1.layer.1.EncDecAttention.q"].loraB)).toEqual(
      Array.from(lora.layers["decoder.block.1.layer.1.EncDecAttention.q"].loraB),
    );
    expect(() => adapted(false, ["wi_0"])).toThrow(/match no module/);
    expect(() => adapted(false, ["q_proj" as never])).toThrow(
      /targetModules must be among q, k, v, o/,
    );
  });

  it("merge() folds the adapters into weights that save and load back to the same logits", async () => {
    const lora = adapted(false, ["q", "k", "v", "o", "wi", "wo"]);
    const want = await lora.base.logits(batch);
    await lora.merge();
    const merged = await lora.base.logits(batch);
    for (let i = 0; i < want.length; i++) expect(merged[i]).toBeCloseTo(want[i], 4);
    const files = serializeT5Model(lora.base);
    const loaded = parseT5Model(files, { backend });
    expect(Array.from(await loaded.logits(batch))).toEqual(Array.from(merged));
    await lora.unmerge();
    const again = await lora.base.logits(batch);
    for (let i = 0; i < want.length; i++) expect(again[i]).toBeCloseTo(want[i], 4);
  });
});
