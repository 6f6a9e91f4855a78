// Checks the T5 model against PyTorch's transformers `T5ForConditionalGeneration` and PEFT on
// fixtures generated there (test/fixtures/chronos/{t5,t5-gated}/: config.json, model.safetensors,
// expected.json of {shape, data} tensors, and the PEFT-saved adapter/). Skipped until the
// fixtures are in the tree. Every comparison is relative to the reference tensor's largest entry.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ReferenceBackend } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import { describe, expect, it } from "vitest";
import { T5LoraModel, type T5TargetModule } from "../../src/finetune/t5-lora-model.js";
import type { Seq2SeqBatch } from "../../src/model/t5/seq2seq-batch.js";
import { loadT5Model } from "../../src/node.js";

interface Tensor {
  shape: number[];
  data: unknown;
}

const root = fileURLToPath(new URL("../fixtures/chronos/", import.meta.url));
const backend = new ReferenceBackend();

/** A tensor's values, flat (data may be flat or nested; a scalar may be a bare number). */
function values(t: Tensor | number): number[] {
  if (typeof t === "number") return [t];
  const d = t.data;
  return Array.isArray(d) ? (d.flat(Number.POSITIVE_INFINITY) as number[]) : [d as number];
}

/** max |got − want| / max |want|. */
function relativeError(got: ArrayLike<number>, want: number[]): number {
  expect(got.length).toBe(want.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  return worst / Math.max(scale, 1e-30);
}

describe.each(["t5", "t5-gated"])("T5 against PyTorch fixtures (%s)", (name) => {
  const dir = join(root, name);
  describe.skipIf(!existsSync(join(dir, "expected.json")))(name, () => {
    const expected = (
      existsSync(join(dir, "expected.json"))
        ? JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"))
        : {}
    ) as Record<string, Tensor> & {
      lora: {
        r: number;
        lora_alpha: number;
        target_modules: string[];
        logits: Tensor;
        loss: Tensor | number;
        grads: Record<string, Tensor>;
      };
    };
    const batch = (): Seq2SeqBatch => {
      const [B, Te] = expected.input_ids.shape;
      const Td = expected.decoder_input_ids.shape[1];
      return {
        inputIds: Int32Array.from(values(expected.input_ids)),
        attentionMask: Uint8Array.from(values(expected.attention_mask)),
        decoderInputIds: Int32Array.from(values(expected.decoder_input_ids)),
        labels: Int32Array.from(values(expected.labels)),
        batchSize: B,
        encoderLength: Te,
        decoderLength: Td,
      };
    };

    it("loadT5Model(dir) reproduces the encoder output, logits and loss of T5ForConditionalGeneration", async () => {
      const model = await loadT5Model(dir, { backend });
      const b = batch();
      const enc = await model.encode(
        b.inputIds,
        b.attentionMask ?? null,
        b.batchSize,
        b.encoderLength,
      );
      expect(relativeError(enc, values(expected.encoder_hidden))).toBeLessThan(1e-4);
      expect(relativeError(await model.logits(b), values(expected.logits))).toBeLessThan(1e-4);
      expect(relativeError([await model.loss(b)], values(expected.loss))).toBeLessThan(1e-4);
    });

    it("T5LoraModel with the PEFT adapter reproduces PEFT's logits, loss and LoRA gradients", async () => {
      const model = await loadT5Model(dir, { backend });
      const { r, lora_alpha, target_modules, grads } = expected.lora;
      const lora = new T5LoraModel(model, backend, {
        rank: r,
        alpha: lora_alpha,
        targetModules: target_modules as T5TargetModule[],
      });
      lora.loadAdapter(await loadAdapter(join(dir, "adapter")));
      const b = batch();
      expect(relativeError(await model.logits(b), values(expected.lora.logits))).toBeLessThan(1e-4);
      lora.zeroGrad();
      const loss = await model.lossAndBackward(b);
      expect(relativeError([loss], values(expected.lora.loss))).toBeLessThan(1e-4);
      const params = new Map(lora.parameters().map((p) => [p.name, p.grad]));
      expect([...params.keys()].sort()).toEqual(Object.keys(grads).sort());
      for (const [key, want] of Object.entries(grads))
        expect(relativeError(params.get(key) as Float32Array, values(want)), key).toBeLessThan(
          1e-4,
        );
    });
  });
});
