// Checks the model against an independent PyTorch Llama forward (test/fixtures/make_llama_fixture.py,
// written from transformers' modeling_llama.py): same weights, same ids, logits within float32
// tolerance, and every weight's gradient against torch autograd.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { fromConfigJson } from "../../src/model/config.js";
import { LlamaModel } from "../../src/model/llama.js";
import { naiveBackend } from "../helpers/naive-backend.js";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/llama_fixture.json", import.meta.url), "utf8"),
) as {
  config: Record<string, unknown>;
  batch_size: number;
  seq_len: number;
  weights: Record<string, number[]>;
  ids: number[];
  logits: number[];
  loss: number;
  grads: Record<string, number[]>;
};
const config = fromConfigJson(fixture.config);
const weights = new Map(Object.entries(fixture.weights).map(([k, v]) => [k, Float32Array.from(v)]));
const model = new LlamaModel(config, weights, { backend: naiveBackend, lossChunkRows: 3 });
const B = fixture.batch_size;
const T = fixture.seq_len;
const ids = Int32Array.from(fixture.ids);

it("logits(...) match the PyTorch Llama forward of the fixture within float32 tolerance", async () => {
  const rows = Array.from({ length: B * T }, (_, i) => i);
  const logits = await model.logits(ids, B, T, rows);
  expect(logits.length).toBe(fixture.logits.length);
  let worst = 0;
  for (let i = 0; i < logits.length; i++)
    worst = Math.max(worst, Math.abs(logits[i] - fixture.logits[i]));
  expect(worst).toBeLessThan(1e-4);
});

it("loss(...) with shifted labels equals PyTorch's LlamaForCausalLM loss", async () => {
  const labels = new Int32Array(B * T).fill(-100);
  for (let b = 0; b < B; b++)
    for (let t = 0; t + 1 < T; t++) labels[b * T + t] = ids[b * T + t + 1];
  const loss = await model.loss({ ids, labels, batchSize: B, seqLen: T });
  expect(loss).toBeCloseTo(fixture.loss, 5);
});

it("lossAndBackward(...) gradients of every weight match torch autograd on the fixture", async () => {
  const labels = new Int32Array(B * T).fill(-100);
  for (let b = 0; b < B; b++)
    for (let t = 0; t + 1 < T; t++) labels[b * T + t] = ids[b * T + t + 1];
  const trainable = new LlamaModel(config, weights, { backend: naiveBackend, trainable: true });
  await trainable.lossAndBackward({ ids, labels, batchSize: B, seqLen: T });
  expect(Object.keys(fixture.grads).sort()).toEqual([...weights.keys()].sort());
  for (const [key, want] of Object.entries(fixture.grads)) {
    const got = trainable.grads?.get(key) as Float32Array;
    let scale = 0;
    for (const g of want) scale = Math.max(scale, Math.abs(g));
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst / scale, key).toBeLessThan(1e-4);
  }
});
