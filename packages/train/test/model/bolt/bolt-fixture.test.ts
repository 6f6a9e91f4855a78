// Checks Chronos-Bolt against the PyTorch `ChronosBoltModelForForecasting`, PEFT and
// `ChronosBoltPipeline.predict` on fixtures generated there (test/fixtures/chronos/bolt/, see its
// README). Every comparison is relative to the reference tensor's largest entry, within 1e-4.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ReferenceBackend } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import { describe, expect, it } from "vitest";
import { BoltLoraModel } from "../../../src/finetune/bolt-lora-model.js";
import type { T5TargetModule } from "../../../src/finetune/t5-lora-model.js";
import { boltBatch } from "../../../src/model/bolt/bolt-batch.js";
import type { BoltConfig } from "../../../src/model/bolt/bolt-config.js";
import { loadBoltModel } from "../../../src/node.js";

interface Tensor {
  shape: number[];
  data: (number | null)[];
}

const dir = fileURLToPath(new URL("../../fixtures/chronos/bolt/", import.meta.url));
const backend = new ReferenceBackend();
const present = existsSync(join(dir, "expected.json"));
const expected = present ? JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) : {};

/** A tensor's values, NaN for null. */
const values = (t: Tensor) => t.data.map((v) => (v === null ? Number.NaN : v));

/** Rows [B][n] of a [B, n] tensor. */
function rows(t: Tensor): number[][] {
  const [B, n] = t.shape;
  const v = values(t);
  return Array.from({ length: B }, (_, b) => v.slice(b * n, (b + 1) * n));
}

/** max |got − want| / max(max |want|, floor). */
function relativeError(got: ArrayLike<number>, want: number[], floor = 1e-30): number {
  expect(got.length).toBe(want.length);
  let scale = floor;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  return worst / scale;
}

/** The fixture's context and target as a batch. */
const batch = (config: BoltConfig) =>
  boltBatch(config, rows(expected.context), rows(expected.target));

describe.skipIf(!present)("Chronos-Bolt against PyTorch fixtures", () => {
  it("loadBoltModel(dir) reproduces loc/scale, quantile_preds and loss of ChronosBoltModelForForecasting", async () => {
    const model = await loadBoltModel(dir, { backend });
    const b = batch(model.config);
    expect(relativeError(b.locScale.loc, values(expected.loc_scale.loc))).toBeLessThan(1e-6);
    expect(relativeError(b.locScale.scale, values(expected.loc_scale.scale))).toBeLessThan(1e-6);
    const preds = await model.quantilePredictions(b);
    expect(relativeError(preds, values(expected.quantile_preds))).toBeLessThan(1e-4);
    expect(relativeError([await model.loss(b)], [expected.loss])).toBeLessThan(1e-4);
  });

  // One forward (the first 16 steps) and the whole loop end to end within 1e-4; and each later
  // block from the reference's own previous block (one feed-back step, restated here: paths
  // appended, Q·Q forecasts, linear-interpolation quantiles), which pins down the loop itself.
  it("predict(context, 40) reproduces ChronosBoltPipeline.predict's long-horizon quantiles", async () => {
    const model = await loadBoltModel(dir, { backend });
    const { quantiles: levels, contextLength, predictionLength: H } = model.config;
    const Q = levels.length;
    const want = values(expected.predict_long.quantiles); // [B, Q, 40]
    const q = await model.predict(rows(expected.context), 40);
    const block = (a: ArrayLike<number>, k: number) =>
      Array.from({ length: 2 * Q }, (_, bq) =>
        Array.from(a).slice(bq * 40 + k * H, bq * 40 + Math.min(40, (k + 1) * H)),
      ).flat();
    expect(relativeError(block(q, 0), block(want, 0))).toBeLessThan(1e-4);
    expect(relativeError(q, want)).toBeLessThan(1e-4);
    const context = rows(expected.context);
    for (const k of [1, 2]) {
      // Path (b, p): the context, then the reference's quantile p of blocks 0…k−1.
      const paths = context.flatMap((row, b) =>
        Array.from({ length: Q }, (_, p) => {
          const grown = [...row];
          for (let j = 0; j < k; j++)
            grown.push(...want.slice((b * Q + p) * 40 + j * H, (b * Q + p) * 40 + (j + 1) * H));
          return grown.slice(-contextLength);
        }),
      );
      const all = await model.quantilePredictions(boltBatch(model.config, paths));
      const got: number[] = [];
      for (let b = 0; b < 2; b++)
        for (const level of levels)
          for (let h = 0; h < Math.min(H, 40 - k * H); h++) {
            const column = Array.from({ length: Q * Q }, (_, j) => all[(b * Q * Q + j) * H + h]);
            column.sort((x, y) => x - y);
            const pos = level * (Q * Q - 1);
            const lo = Math.floor(pos);
            got.push(column[lo] + (column[Math.min(lo + 1, Q * Q - 1)] - column[lo]) * (pos - lo));
          }
      expect(relativeError(got, block(want, k)), `block ${k}`).toBeLessThan(1e-4);
    }
  });

  it("BoltLoraModel with the PEFT adapter reproduces PEFT's quantile_preds, loss and LoRA gradients", async () => {
    const model = await loadBoltModel(dir, { backend });
    const { r, lora_alpha, target_modules, grads } = expected.lora;
    const lora = new BoltLoraModel(model, backend, {
      rank: r,
      alpha: lora_alpha,
      targetModules: target_modules as T5TargetModule[],
    });
    lora.loadAdapter(await loadAdapter(join(dir, "adapter")));
    const b = batch(model.config);
    const preds = await model.quantilePredictions(b);
    expect(relativeError(preds, values(expected.lora.quantile_preds))).toBeLessThan(1e-4);
    lora.zeroGrad();
    const loss = await model.lossAndBackward(b);
    expect(relativeError([loss], [expected.lora.loss])).toBeLessThan(1e-4);
    const params = new Map(lora.parameters().map((p) => [p.name, p.grad]));
    expect([...params.keys()].sort()).toEqual(Object.keys(grads).sort());
    // Each gradient within 1e-4 of its tensor's largest value, against PyTorch's gradients in
    // float64 (its float32 ones carry 8e-5 of their own noise through this model). The decoder's self-attention q and
    // k get no gradient at one decoder position (softmax over one key is constant): PyTorch's are
    // float32 noise (~1e-7), ours 0; their floor is 1e-4 of the largest LoRA gradient, so they are
    // checked to be that small.
    const largest = Math.max(
      ...Object.values(grads).flatMap((t) => values(t as Tensor).map(Math.abs)),
    );
    for (const [key, want] of Object.entries(grads)) {
      const got = params.get(key) as Float32Array;
      const w = values(want as Tensor);
      const floor = Math.max(1e-4 * largest, ...w.map(Math.abs));
      expect(relativeError(got, w, floor), key).toBeLessThan(1e-4);
    }
  });
});
