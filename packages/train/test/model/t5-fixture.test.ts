// The T5 forward against PyTorch + transformers (test/fixtures/chronos, make_chronos_fixtures.py):
// encoder output, teacher-forced logits, the loss, greedy generation through the KV cache and its
// first-step logits, on a ReLU tied-head model and a gated-GELU untied-head one.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { t5ConfigFromJson } from "../../src/model/t5/t5-config.js";
import { T5Model } from "../../src/model/t5/t5-model.js";
import { readModelDirectory } from "../../src/node.js";

const root = join(import.meta.dirname, "../fixtures/chronos");
type Tensor = { shape: number[]; data: number[] };

async function open(dir: string) {
  const m = await readModelDirectory(join(root, dir));
  const weights = new Map([...m.tensors].map(([k, t]) => [k, t.data]));
  const config = t5ConfigFromJson(m.config as Record<string, unknown>);
  const e = JSON.parse(readFileSync(join(root, dir, "expected.json"), "utf8"));
  return { model: new T5Model(config, weights, new ReferenceBackend()), e };
}

/** ‖a − b‖ / ‖b‖: the relative error of a whole tensor. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
}

function meanCrossEntropy(logits: Float32Array, labels: number[], V: number): number {
  let total = 0;
  let n = 0;
  labels.forEach((y, r) => {
    if (y === -100) return;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[r * V + v]);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[r * V + v] - max);
    total += Math.log(sum) + max - logits[r * V + y];
    n++;
  });
  return total / n;
}

describe.each(["t5", "t5-gated"])("T5Model on fixture %s", (dir) => {
  it("equals transformers' encoder output, logits and loss", async () => {
    const { model, e } = await open(dir);
    const [B, Te] = e.input_ids.shape as number[];
    const ids = Int32Array.from(e.input_ids.data as number[]);
    const mask = Uint8Array.from(e.attention_mask.data as number[]);
    const enc = await model.encode(ids, mask, B, Te);
    expect(relError(enc, (e.encoder_hidden as Tensor).data)).toBeLessThan(1e-4);
    const dec = Int32Array.from(e.decoder_input_ids.data as number[]);
    const logits = await model.logits(ids, mask, dec, B);
    expect(relError(logits, (e.logits as Tensor).data)).toBeLessThan(1e-4);
    const loss = meanCrossEntropy(logits, e.labels.data, model.config.vocabSize);
    expect(Math.abs(loss / e.loss - 1)).toBeLessThan(1e-5);
  });

  it("generates transformers' greedy ids through the KV cache, with its first-step logits", async () => {
    const { model, e } = await open(dir);
    const c = e.chronos;
    const ids = Int32Array.from(c.input_ids.data as number[]);
    const mask = Uint8Array.from(c.attention_mask.data as number[]);
    const enc = await model.encode(ids, mask, 1, ids.length);
    const steps = c.generated_ids.data.length;
    const cache = await model.decoderCache(enc, mask, 1, ids.length, steps);
    let token = Int32Array.of(model.config.decoderStartTokenId);
    const got: number[] = [];
    for (let t = 0; t < steps; t++) {
      const logits = await model.decodeStep(cache, token);
      if (t === 0) expect(relError(logits, c.first_step_logits.data)).toBeLessThan(1e-4);
      logits[1] = Number.NEGATIVE_INFINITY; // EOS barred, as min_new_tokens does
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      got.push(best);
      token = Int32Array.of(best);
    }
    expect(got).toEqual(c.generated_ids.data);
  });
});

it("t5ConfigFromJson() names a bad key", () => {
  expect(() => t5ConfigFromJson({ model_type: "llama" })).toThrow(/model_type must be "t5"/);
  expect(() =>
    t5ConfigFromJson({ model_type: "t5", feed_forward_proj: "swish", vocab_size: 4 }),
  ).toThrow(/feed_forward_proj must be/);
  expect(() => t5ConfigFromJson({ model_type: "t5", num_layers: 2, vocab_size: -1 })).toThrow(
    /vocab_size must be a non-negative integer, got -1/,
  );
});
