import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { LoraModel } from "../../src/finetune/lora-model.js";
import { CachedDecoder } from "../../src/forecast/cached-decoder.js";
import { maxRelError } from "../helpers/finite-difference.js";
import { tinyForecaster } from "../helpers/forecaster.js";

const backend = new ReferenceBackend();

it.each([
  ["the base model", false],
  ["a LoRA-wrapped model", true],
])("CachedDecoder gives the logits of the full forward at every step (%s)", async (_, lora) => {
  const model = tinyForecaster(backend, 3);
  if (lora) {
    const wrapped = new LoraModel(model, backend, { rank: 2, init: "gaussian", seed: 4 });
    for (const l of Object.values(wrapped.layers)) l.loraB.fill(0.3); // a non-zero update
    wrapped.setTraining(false);
  }
  const V = model.config.vocabSize;
  const L = 9;
  const prefix = Int32Array.from({ length: L }, (_, i) => 2 + ((i * 7) % 60));
  const mask = Uint8Array.from({ length: L }, (_, i) => (i === 3 ? 0 : 1)); // one missing value
  const [samples, steps] = [3, 4];
  // Each sample continues with its own tokens.
  const tokens = Array.from({ length: steps }, (_, h) =>
    Int32Array.from({ length: samples }, (_, s) => 2 + ((h * 11 + s * 17) % 60)),
  );
  const { decoder, logits: first } = await CachedDecoder.start(model, prefix, mask, samples, steps);
  const full = async (upTo: number) => {
    const T = L + upTo;
    const ids = new Int32Array(samples * T);
    const keys = new Uint8Array(samples * T).fill(1);
    for (let s = 0; s < samples; s++) {
      ids.set(prefix, s * T);
      keys.set(mask, s * T);
      for (let h = 0; h < upTo; h++) ids[s * T + L + h] = tokens[h][s];
    }
    const rows = Array.from({ length: samples }, (_, s) => s * T + T - 1);
    return model.logits(ids, samples, T, rows, keys);
  };
  // Errors relative to max(|logit|, 0.1): the logits are of order 1–5 here, and one that lands
  // near zero still carries the float32 round-off of the whole sum (~1e-5), which a floor of
  // 1e-3 would read as a 1% error. Scores come from a float32 matmul in the full forward.
  const relError = (got: Float32Array, want: Float32Array) =>
    maxRelError(Array.from(got), Array.from(want), 0.1);
  const want0 = await full(0);
  for (let s = 0; s < samples; s++)
    expect(relError(first, want0.subarray(s * V, (s + 1) * V))).toBeLessThan(1e-3);
  for (let h = 0; h < steps; h++) {
    const got = await decoder.step(tokens[h]);
    expect(relError(got, await full(h + 1)), `step ${h}`).toBeLessThan(1e-3);
  }
  await expect(decoder.step(tokens[0])).rejects.toThrow(/at most 4 tokens/);
});
