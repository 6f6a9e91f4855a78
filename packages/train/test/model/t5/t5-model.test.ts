import { describe, expect, it } from "vitest";
import { T5Model } from "../../../src/model/t5/t5-model.js";
import { maxRelError, numericGradient, spread } from "../../helpers/finite-difference.js";
import { naiveBackend } from "../../helpers/naive-backend.js";
import { tinySeq2SeqBatch as batch, tinyT5Config, tinyT5Weights } from "../../helpers/tiny-t5.js";

describe.each([
  ["relu", false, false],
  ["gelu_new", "plain-gelu", false],
  ["gated-gelu", true, true],
  ["relu, tied", false, true],
] as const)("T5Model (%s)", (_name, gated, tied) => {
  const config = tinyT5Config(gated, tied);
  const model = new T5Model(config, tinyT5Weights(config), {
    backend: naiveBackend,
    trainable: true,
    lossChunkRows: 3,
  });

  it("lossAndBackward(batch) matches finite differences of loss(batch) for every weight", async () => {
    model.zeroGrad();
    const loss = await model.lossAndBackward(batch);
    expect(loss).toBeCloseTo(await model.loss(batch), 5);
    const grads = model.grads as Map<string, Float32Array>;
    for (const [key, w] of model.weights) {
      const idx = spread(w.length, 5);
      // relu has kinks a wide step may cross: a narrower one there (float32 noise stays small).
      const num = await numericGradient(() => model.loss(batch), w, idx, gated ? 1e-2 : 2e-3);
      const ana = idx.map((i) => (grads.get(key) as Float32Array)[i]);
      expect(maxRelError(ana, num, 2e-2), key).toBeLessThan(3e-2);
    }
  });
});
