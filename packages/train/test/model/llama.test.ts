import { describe, expect, it } from "vitest";
import type { TokenBatch } from "../../src/model/batch.js";
import { LlamaModel } from "../../src/model/llama.js";
import { maxRelError, numericGradient, spread } from "../helpers/finite-difference.js";
import { naiveBackend } from "../helpers/naive-backend.js";
import { tinyConfig } from "../helpers/tiny.js";

const batch: TokenBatch = {
  ids: Int32Array.from([2, 5, 7, 1, 9, 3, 3, 0, 4, 10]),
  labels: Int32Array.from([5, 7, 1, 9, -100, 3, 0, 4, 10, 6]),
  batchSize: 2,
  seqLen: 5,
  keyMask: Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1]),
};

describe("LlamaModel", () => {
  // Larger init than 0.02 so every path carries gradient well above float32 noise.
  const model = new LlamaModel(
    tinyConfig,
    LlamaModel.create(tinyConfig, 3, { backend: naiveBackend }).weights,
    {
      backend: naiveBackend,
      trainable: true,
      lossChunkRows: 4,
    },
  );
  for (const [k, w] of model.weights)
    if (!k.endsWith("norm.weight")) for (let i = 0; i < w.length; i++) w[i] *= 15;
  for (const [k, w] of model.weights)
    if (k.endsWith("norm.weight"))
      for (let i = 0; i < w.length; i++) w[i] = 1 + 0.1 * Math.sin(i + 1);

  it("lossAndBackward(...) matches finite differences of loss(...) for every kind of weight", async () => {
    model.zeroGrad();
    const loss = await model.lossAndBackward(batch);
    expect(loss).toBeCloseTo(await model.loss(batch), 5);
    const grads = model.grads as Map<string, Float32Array>;
    for (const [key, w] of model.weights) {
      const idx = spread(w.length, 6);
      const num = await numericGradient(() => model.loss(batch), w, idx, 1e-2);
      const ana = idx.map((i) => (grads.get(key) as Float32Array)[i]);
      expect(maxRelError(ana, num, 2e-2), key).toBeLessThan(3e-2);
    }
  });

  it("stages(...) run one at a time give the loss and gradient of lossAndBackward(...)", async () => {
    model.zeroGrad();
    await model.lossAndBackward(batch);
    const want = new Map(
      [...(model.grads as Map<string, Float32Array>)].map(([k, g]) => [k, Float32Array.from(g)]),
    );
    model.zeroGrad();
    const stages = model.stages(batch);
    const inputs: (Float32Array | Int32Array)[] = [batch.ids];
    const ctx = [];
    for (const [i, s] of stages.entries()) {
      const f = await s.forward(inputs[i], { save: true, rng: () => 0.5 });
      expect(f.context?.bytes).toBeGreaterThanOrEqual(0);
      ctx.push(f.context as { bytes: number });
      inputs.push(f.output as Float32Array);
    }
    let d: Float32Array = Float32Array.of(1);
    for (let i = stages.length - 1; i >= 0; i--) d = await stages[i].backward(ctx[i], inputs[i], d);
    for (const [k, g] of model.grads as Map<string, Float32Array>)
      expect(Array.from(g)).toEqual(Array.from(want.get(k) as Float32Array));
  });

  it("LlamaModel(...) rejects a weight of the wrong shape, naming its key", () => {
    const weights = new Map(model.weights);
    weights.set("model.norm.weight", new Float32Array(3));
    expect(() => new LlamaModel(tinyConfig, weights, { backend: naiveBackend })).toThrow(
      /model\.norm\.weight must have shape \[8\], got 3 elements/,
    );
  });
});
