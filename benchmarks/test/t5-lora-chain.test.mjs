import { plan } from "@kairos/checkpointing";
import { ReferenceBackend } from "@kairos/lora";
import {
  AdamW,
  BoltLoraModel,
  boltConfig,
  ChronosBoltModel,
  measureChain,
  T5LoraModel,
  T5Model,
  t5Config,
} from "@kairos/train";
import { describe, expect, it } from "vitest";
import { chronosBatch, chronosBoltBatch } from "../src/chronos-shapes.mjs";
import { minimumBudget } from "../src/minimum-budget.mjs";
import {
  boltOneBlockChain,
  loraAdamWBytes,
  oneBlockChain,
  scaleChain,
  weightBytes,
} from "../src/t5-lora-chain.mjs";

const backend = new ReferenceBackend();
const lora = { rank: 2, alpha: 4, targetModules: ["q", "k", "v", "o"] };
// A small T5 of Chronos's layout (relu, tied, inner size H·D ≠ d_model): 3 + 2 blocks, batch 3.
const config = t5Config({
  vocab_size: 40,
  d_model: 16,
  d_kv: 6,
  d_ff: 24,
  num_heads: 2,
  num_layers: 3,
  num_decoder_layers: 2,
});
const lengths = { contextLength: 11, predictionLength: 4 };
// A small Chronos-Bolt on that core: context 22 (5 patches of 4 and a partial one) + [REG], 3
// quantiles of 5 steps.
const bolt = boltConfig(
  { ...config.raw, vocab_size: 2 },
  {
    context_length: 22,
    input_patch_size: 4,
    input_patch_stride: 4,
    prediction_length: 5,
    quantiles: [0.1, 0.5, 0.9],
    use_reg_token: true,
  },
);
/** Fresh LoRA models of each family. */
const models = {
  T5: () => new T5LoraModel(T5Model.create(config, 2, { backend }), backend, lora),
  Bolt: () => new BoltLoraModel(ChronosBoltModel.create(bolt, 2, { backend }), backend, lora),
};

/** The byte fields of two chains are equal, and so is every peak the planner weighs bytes for. */
function expectSameBytes(scaled, whole) {
  for (const f of ["outputBytes", "contextBytes", "leanContextBytes", "forwardWorkspace"])
    expect(scaled[f], f).toEqual(whole[f]);
  for (const f of ["forwardCost", "backwardCost", "contextForwardCost", "leanBackwardCost"])
    expect(scaled[f], f).toHaveLength(whole[f].length);
  for (const strategy of ["store-all", "sqrt"])
    expect(plan(scaled, { strategy }).peakBytes, strategy).toBe(
      plan(whole, { strategy }).peakBytes,
    );
  expect(minimumBudget(scaled)).toBe(minimumBudget(whole));
}

describe("t5-lora-chain", () => {
  it("scaleChain(oneBlockChain(config), …) has the bytes of measureChain on the whole model", async () => {
    const model = models.T5();
    const batch = chronosBatch({ batchSize: 3, ...lengths, vocabSize: 40, seed: 4 });
    const whole = await measureChain(model.stages(batch), model.chainInput(batch));
    const one = await oneBlockChain(config, { ...lengths, lora, backend });
    expectSameBytes(scaleChain(one, { layers: 3, decoderLayers: 2, batchSize: 3 }), whole);
  });

  it("scaleChain(boltOneBlockChain(config), …) has the bytes of measureChain on a whole Bolt", async () => {
    const model = models.Bolt();
    const batch = chronosBoltBatch(bolt, { batchSize: 3, contextLength: 22, seed: 4 });
    const whole = await measureChain(model.stages(batch), model.chainInput(batch));
    expect(whole.contextBytes).toHaveLength(1 + 3 + 1 + 2 + 2);
    const one = await boltOneBlockChain(bolt, { contextLength: 22, lora, backend });
    expectSameBytes(scaleChain(one, { layers: 3, decoderLayers: 2, batchSize: 3 }), whole);
  });

  it.each([
    ["T5", config],
    ["Bolt", bolt],
  ])(
    "weightBytes(config) and loraAdamWBytes(config, lora) are the %s model's and AdamW's",
    (family, c) => {
      const model = models[family]();
      const weights = [...model.base.weights.values()].reduce((a, w) => a + w.byteLength, 0);
      expect(weightBytes(c)).toBe(weights);
      const params = model.parameters();
      const adamw = new AdamW(params, {});
      const adapters = params.reduce((a, p) => a + p.value.byteLength + p.grad.byteLength, 0);
      expect(loraAdamWBytes(c, lora)).toBe(adapters + adamw.stateBytes);
    },
  );
});
