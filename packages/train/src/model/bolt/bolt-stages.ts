// The two ends of the Chronos-Bolt chain around the T5 core's stages (t5-stages.ts):
//   input:  patches [B·P·2S]   → x [B·Te·C]   input_patch_embedding of each patch, then [REG]
//   … encoder blocks, bridge (decoder input: shared[decoder_start_token_id]), decoder blocks,
//     decoder final norm → d̂ [B·C] (one decoder position) …
//   head:   d̂ [B·C]           → [loss]       output_patch_embedding → p [B, Q, H], quantile loss
// The patches are data: the input stage's backward accumulates into input_patch_embedding and
// shared[reg_token_id] (when trainable) and returns no gradient.
// Legend: B rows, P patches, S patch size, Te encoder positions, C hidden size, Q quantiles,
// H prediction length.
import type { ModelStage, StageContext } from "../stage.js";
import type { T5Parts } from "../t5/t5-parts.js";
import type { BoltBatch } from "./bolt-batch.js";
import type { BoltConfig } from "./bolt-config.js";
import { quantileHeadLoss, quantileHeadLossBackward } from "./quantile-head-loss.js";
import type { ResidualBlock, ResidualBlockContext } from "./residual-block.js";

/** What the Bolt-only stages share with the T5 core's. */
export interface BoltParts {
  readonly config: BoltConfig;
  readonly t5: T5Parts;
  /** input_patch_embedding: 2S → C. */
  readonly input: ResidualBlock;
  /** output_patch_embedding: C → Q·H. */
  readonly output: ResidualBlock;
}

const NO_GRADIENT = new Float32Array(0);

interface HeadContext extends StageContext {
  block: ResidualBlockContext;
  preds: Float32Array; // [B·Q·H] pooled
}

/** Pool hooks; `keep` (the loss, the empty gradient) is never given back. */
function pooled(parts: BoltParts, keep: Float32Array) {
  return {
    memory: parts.t5.scratch,
    release: (value: Float32Array) => {
      if (value !== keep) parts.t5.scratch.release(value);
    },
  };
}

/** Stage 0: each patch's embedding, rows b·Te + p, and the [REG] row b·Te + P. */
export function boltInputStage(parts: BoltParts, batch: BoltBatch): ModelStage {
  const { config, t5 } = parts;
  const C = config.t5.dModel;
  const [B, P, Te] = [batch.batchSize, batch.patchCount, batch.encoderLength];
  const shared = t5.weights.get("shared.weight") as Float32Array;
  const reg = config.regTokenId * C;
  return {
    name: "bolt.input",
    ...pooled(parts, NO_GRADIENT),
    forward: async (input, { save }) => {
      const emb = t5.scratch.acquire(B * P * C);
      const ctx = await parts.input.forward(input as Float32Array, emb, save, false);
      const out = t5.scratch.acquire(B * Te * C);
      for (let b = 0; b < B; b++) {
        out.set(emb.subarray(b * P * C, (b + 1) * P * C), b * Te * C);
        if (config.useRegToken) out.set(shared.subarray(reg, reg + C), (b * Te + P) * C);
      }
      t5.scratch.release(emb);
      return { output: out, context: ctx ?? undefined };
    },
    backward: async (context, input, dOutput) => {
      const dEmb = t5.scratch.acquire(B * P * C);
      for (let b = 0; b < B; b++)
        dEmb.set(dOutput.subarray(b * Te * C, (b * Te + P) * C), b * P * C);
      await parts.input.backward(
        context as ResidualBlockContext,
        input as Float32Array,
        dEmb,
        null,
      );
      t5.scratch.release(dEmb);
      const g = t5.grads?.get("shared.weight");
      if (g && config.useRegToken)
        for (let b = 0; b < B; b++)
          for (let c = 0; c < C; c++) g[reg + c] += dOutput[(b * Te + P) * C + c];
      return NO_GRADIENT;
    },
  };
}

/** Normalised quantile predictions p [B·Q·H] (into `out`) of final-normed decoder states [B·C]. */
export async function quantilePredictions(
  parts: BoltParts,
  h: Float32Array,
  out: Float32Array,
): Promise<Float32Array> {
  await parts.output.forward(h, out, false, false);
  return out;
}

/** The last stage: output_patch_embedding, then the quantile loss against the batch's target. */
export function boltHeadStage(parts: BoltParts, batch: BoltBatch, loss: Float32Array): ModelStage {
  const { config, t5 } = parts;
  const { target, targetMask } = batch;
  if (!target || !targetMask)
    throw new RangeError("ChronosBoltModel.stages(): batch.target must be set, got null");
  const [B, Q, H] = [batch.batchSize, config.quantiles.length, config.predictionLength];
  return {
    name: "bolt.head",
    ...pooled(parts, loss),
    forward: async (input, { save }) => {
      const preds = t5.scratch.acquire(B * Q * H);
      const block = await parts.output.forward(input as Float32Array, preds, save, true);
      loss[0] = quantileHeadLoss(preds, target, targetMask, config.quantiles, B, H);
      if (!save || !block) {
        t5.scratch.release(preds);
        return { output: loss, context: undefined };
      }
      const context: HeadContext = { block, preds, bytes: block.bytes + preds.byteLength };
      return { output: loss, context };
    },
    backward: async (context, input, dOutput) => {
      const { block, preds } = context as HeadContext;
      const dPreds = t5.scratch.get("bolt.head.dpreds", B * Q * H);
      quantileHeadLossBackward(
        dPreds,
        preds,
        target,
        targetMask,
        config.quantiles,
        B,
        H,
        dOutput[0],
      );
      t5.scratch.release(preds);
      const dx = t5.scratch.acquire(input.length);
      await parts.output.backward(block, input as Float32Array, dPreds, dx);
      return dx;
    },
  };
}
