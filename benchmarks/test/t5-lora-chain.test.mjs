import { plan } from "@kairos/checkpointing";
import { ReferenceBackend } from "@kairos/lora";
import { AdamW, measureChain, T5LoraModel, T5Model, t5Config } from "@kairos/train";
import { describe, expect, it } from "vitest";
import { chronosBatch } from "../src/chronos-shapes.mjs";
import { minimumBudget } from "../src/minimum-budget.mjs";
import { loraAdamWBytes, oneBlockChain, scaleChain, weightBytes } from "../src/t5-lora-chain.mjs";

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

describe("t5-lora-chain", () => {
  it("scaleChain(oneBlockChain(config), …) has the bytes of measureChain on the whole model", async () => {
    const model = new T5LoraModel(T5Model.create(config, 2, { backend }), backend, lora);
    const batch = chronosBatch({ batchSize: 3, ...lengths, vocabSize: 40, seed: 4 });
    const whole = await measureChain(model.stages(batch), model.chainInput(batch));
    const one = await oneBlockChain(config, { ...lengths, lora, backend });
    const scaled = scaleChain(one, { layers: 3, decoderLayers: 2, batchSize: 3 });
    for (const f of ["outputBytes", "contextBytes", "leanContextBytes", "forwardWorkspace"])
      expect(scaled[f], f).toEqual(whole[f]);
    for (const f of ["forwardCost", "backwardCost", "contextForwardCost", "leanBackwardCost"])
      expect(scaled[f], f).toHaveLength(whole[f].length);
    // So every peak the planner gives that weighs bytes only is the whole model's.
    for (const strategy of ["store-all", "sqrt"])
      expect(plan(scaled, { strategy }).peakBytes, strategy).toBe(
        plan(whole, { strategy }).peakBytes,
      );
    expect(minimumBudget(scaled)).toBe(minimumBudget(whole));
  });

  it("weightBytes(config) and loraAdamWBytes(config, lora) are the model's and AdamW's", () => {
    const model = new T5LoraModel(T5Model.create(config, 2, { backend }), backend, lora);
    const weights = [...model.base.weights.values()].reduce((a, w) => a + w.byteLength, 0);
    expect(weightBytes(config)).toBe(weights);
    const params = model.parameters();
    const adamw = new AdamW(params, {});
    const adapters = params.reduce((a, p) => a + p.value.byteLength + p.grad.byteLength, 0);
    expect(loraAdamWBytes(config, lora)).toBe(adapters + adamw.stateBytes);
  });
});
