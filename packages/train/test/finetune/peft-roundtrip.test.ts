// Adapters written by Kairos (fixtures/chronos/{t5,bolt}/kairos-adapter, by write_kairos_adapter.mjs)
// load in PEFT onto transformers' T5 and onto ChronosBoltModelForForecasting — check_kairos_adapter.py
// did so and recorded PEFT's outputs and loss there — and Kairos computes the same with them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReferenceBackend } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import { expect, it } from "vitest";
import { BoltLoraModel } from "../../src/finetune/bolt-lora-model.js";
import { T5LoraModel, type T5TargetModule } from "../../src/finetune/t5-lora-model.js";
import { boltBatch } from "../../src/model/bolt/bolt-batch.js";
import { loadBoltModel, loadT5Model } from "../../src/node.js";
import { maxRelError } from "../helpers/finite-difference.js";

const fixtures = join(import.meta.dirname, "../fixtures/chronos");
const read = (file: string) => JSON.parse(readFileSync(join(fixtures, file), "utf8"));
const backend = new ReferenceBackend();
/** Within 1e-4 of the largest value: the adapters move the outputs by more than 1e-3 there. */
function expectClose(got: ArrayLike<number>, want: number[]) {
  const largest = Math.max(...want.map(Math.abs));
  expect(maxRelError(Array.from(got), want, largest)).toBeLessThan(1e-4);
}

async function kairosAdapter(name: string) {
  const adapter = await loadAdapter(join(fixtures, name, "kairos-adapter"));
  const peft = read(`${name}/kairos-adapter/peft.json`);
  expect(peft.modules).toBe(Object.keys(adapter.modules).length);
  const options = {
    rank: adapter.config.r,
    alpha: adapter.config.loraAlpha,
    targetModules: adapter.config.targetModules as T5TargetModule[],
  };
  return { adapter, peft, options };
}

it("Kairos's own T5 adapter gives PEFT's logits and loss on transformers' T5", async () => {
  const expected = read("t5/expected.json");
  const { adapter, peft, options } = await kairosAdapter("t5");
  const base = await loadT5Model(join(fixtures, "t5"), { backend });
  const lora = new T5LoraModel(base, backend, options);
  lora.loadAdapter(adapter);
  const [B, Te] = expected.input_ids.shape;
  const Td = expected.labels.shape[1];
  const batch = {
    inputIds: Int32Array.from(expected.input_ids.data),
    attentionMask: Uint8Array.from(expected.attention_mask.data),
    decoderInputIds: Int32Array.from(expected.decoder_input_ids.data),
    labels: Int32Array.from(expected.labels.data),
    batchSize: B,
    encoderLength: Te,
    decoderLength: Td,
  };
  expectClose(await lora.base.logits(batch), peft.logits.data);
  expect(Math.abs((await lora.loss(batch)) - peft.loss) / peft.loss).toBeLessThan(1e-5);
});

it("Kairos's own Chronos-Bolt adapter gives PEFT's quantiles and loss on ChronosBoltModelForForecasting", async () => {
  const expected = read("bolt/expected.json");
  const { adapter, peft, options } = await kairosAdapter("bolt");
  const base = await loadBoltModel(join(fixtures, "bolt"), { backend });
  const lora = new BoltLoraModel(base, backend, options);
  lora.loadAdapter(adapter);
  const rows = (t: { shape: number[]; data: (number | null)[] }) =>
    Array.from({ length: t.shape[0] }, (_, b) =>
      t.data.slice(b * t.shape[1], (b + 1) * t.shape[1]).map((v) => v ?? Number.NaN),
    );
  const batch = boltBatch(base.config, rows(expected.context), rows(expected.target));
  expectClose(await base.quantilePredictions(batch), peft.quantile_preds.data);
  expect(Math.abs((await lora.loss(batch)) - peft.loss) / peft.loss).toBeLessThan(1e-5);
});
