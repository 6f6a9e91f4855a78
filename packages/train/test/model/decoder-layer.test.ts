import { expect, it } from "vitest";
import { LlamaModel } from "../../src/model/llama.js";
import { initParameters } from "../../src/model/parameters.js";
import {
  dotWith,
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";
import { naiveBackend } from "../helpers/naive-backend.js";
import { tinyConfig } from "../helpers/tiny.js";

it("DecoderLayer.backward(...) matches finite differences for its input and every weight of the block", async () => {
  const model = new LlamaModel(tinyConfig, initParameters(tinyConfig, 8, 0.4), {
    backend: naiveBackend,
    trainable: true,
  });
  const layer = model.layers[1];
  const geometry = { batchSize: 2, seqLen: 4, keyMask: Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1]) };
  const x = randomFloats(new Float32Array(8 * 8), 31);
  const r = randomFloats(new Float32Array(8 * 8), 32);
  const f = async () => dotWith((await layer.forward(x, geometry, false, () => 0.5)).output, r);
  model.zeroGrad();
  const { context } = await layer.forward(x, geometry, true, () => 0.5);
  const dx = await layer.backward(context as NonNullable<typeof context>, r);
  const idx = spread(x.length, 24);
  expect(
    maxRelError(
      idx.map((i) => dx[i]),
      await numericGradient(f, x, idx, 1e-2),
      1e-2,
    ),
  ).toBeLessThan(2e-2);
  const grads = model.grads as Map<string, Float32Array>;
  for (const [key, w] of model.weights) {
    if (!key.startsWith("model.layers.1.")) continue;
    const wi = spread(w.length, 8);
    const num = await numericGradient(f, w, wi, 1e-2);
    expect(
      maxRelError(
        wi.map((i) => (grads.get(key) as Float32Array)[i]),
        num,
        1e-2,
      ),
      key,
    ).toBeLessThan(2e-2);
  }
});
