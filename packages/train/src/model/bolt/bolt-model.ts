// The whole `ChronosBoltModelForForecasting`: a T5 core (T5Model: shared embedding of the decoder
// start and [REG] tokens, encoder, decoder; no LM head), the input and output residual blocks,
// and the quantile loss. It exposes itself as the chain [input, encoder blocks…, bridge, decoder
// blocks…, decoder final norm, head] (bolt-stages.ts, t5-stages.ts), which runs with any
// checkpointing schedule, and predicts quantiles in the series' units.
// Legend: B rows, Te encoder positions, C hidden size, Q quantiles, H prediction length.
import type { ParameterRef } from "../../train/adamw.js";
import type { MatmulBackend } from "../matmul.js";
import { chainLoss, chainLossAndBackward } from "../run-chain.js";
import type { ModelStage } from "../stage.js";
import type { T5Geometry } from "../t5/t5-block.js";
import {
  decodeEmbeddings,
  encodeEmbeddings,
  t5DecoderStages,
  t5EncoderStages,
} from "../t5/t5-forward.js";
import { T5Model } from "../t5/t5-model.js";
import { t5BridgeStage, t5DecoderFinalNormStage, tokenDecoderInput } from "../t5/t5-stages.js";
import type { BoltBatch } from "./bolt-batch.js";
import type { BoltConfig } from "./bolt-config.js";
import {
  boltHeadShapes,
  boltParameterShapes,
  INPUT_PATCH_EMBEDDING,
  initBoltParameters,
  OUTPUT_PATCH_EMBEDDING,
} from "./bolt-parameters.js";
import { boltPredict } from "./bolt-predict.js";
import {
  type BoltParts,
  boltHeadStage,
  boltInputStage,
  quantilePredictions,
} from "./bolt-stages.js";
import { denormalizeRows } from "./instance-norm.js";
import { ResidualBlock } from "./residual-block.js";

/** Options of {@link ChronosBoltModel}. */
export interface ChronosBoltModelOptions {
  backend: MatmulBackend;
  /** Allocate gradients for every weight (full fine-tuning, gradient checks). Default false. */
  trainable?: boolean;
}

/**
 * Chronos-Bolt with explicit forward and backward over Float32Array weights (HF key names).
 * @example
 * const model = await loadBoltModel("models/chronos-bolt-tiny", { backend });
 * const q = await model.predict([series], 64); // [1, 9, 64] quantiles in the series' units
 */
export class ChronosBoltModel {
  /** The encoder-decoder core; LoRA swaps `core.parts.projections`. */
  readonly core: T5Model;
  /** Gradients by key (core and residual blocks), when trainable. */
  readonly grads: Map<string, Float32Array> | null;
  readonly parts: BoltParts;
  /** The head's `[loss]`, written by each forward of the chain. */
  private readonly lossOut = new Float32Array(1);

  constructor(
    readonly config: BoltConfig,
    readonly weights: Map<string, Float32Array>,
    readonly options: ChronosBoltModelOptions,
  ) {
    const shapes = boltParameterShapes(config);
    for (const [key, shape] of shapes) {
      const w = weights.get(key);
      const n = shape.reduce((a, b) => a * b, 1);
      if (!w || w.length !== n)
        throw new RangeError(
          `ChronosBoltModel(): weight ${key} must have shape [${shape}], got ${w ? `${w.length} elements` : "none"}`,
        );
    }
    this.core = new T5Model(config.t5, weights, options);
    const own = (k: string) =>
      k.startsWith(INPUT_PATCH_EMBEDDING) || k.startsWith(OUTPUT_PATCH_EMBEDDING);
    this.grads = this.core.grads
      ? new Map([
          ...this.core.grads,
          ...[...shapes]
            .filter(([k]) => own(k))
            .map(([k, s]) => [k, new Float32Array(s.reduce((a, b) => a * b, 1))] as const),
        ])
      : null;
    const t5 = this.core.parts;
    const block = (prefix: string) =>
      new ResidualBlock(
        prefix,
        weights,
        this.grads,
        config.t5.denseActFn,
        options.backend,
        t5.scratch,
      );
    this.parts = {
      config,
      t5,
      input: block(INPUT_PATCH_EMBEDDING),
      output: block(OUTPUT_PATCH_EMBEDDING),
    };
  }

  /** A model with fresh seeded weights (normal std 0.05, norms 1). */
  static create(
    config: BoltConfig,
    seed: number,
    options: ChronosBoltModelOptions,
  ): ChronosBoltModel {
    return new ChronosBoltModel(config, initBoltParameters(config, seed), options);
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    if (this.grads) for (const g of this.grads.values()) g.fill(0);
  }

  /** Every weight as a trainable parameter (the core's, then the blocks'); decay on matrices only. */
  parameters(): ParameterRef[] {
    const grads = this.grads;
    if (!grads)
      throw new RangeError(
        "ChronosBoltModel.parameters(): the model must be built with trainable: true, got false",
      );
    const blocks = [...boltHeadShapes(this.config)].map(([name, shape]) => ({
      name,
      value: this.weights.get(name) as Float32Array,
      grad: grads.get(name) as Float32Array,
      decay: shape.length >= 2,
    }));
    return [...this.core.parameters(), ...blocks];
  }

  /** The chain's input: the batch's patches. */
  chainInput(batch: BoltBatch): Float32Array {
    return batch.patches;
  }

  /** The geometry the core's stages share: one decoder position. */
  geometry(batch: BoltBatch): T5Geometry {
    return {
      batchSize: batch.batchSize,
      encoderLength: batch.encoderLength,
      decoderLength: 1,
      encoderMask: batch.encoderMask,
    };
  }

  /** The decoder input of B rows: `shared[decoder_start_token_id]` (its gradient accumulates there). */
  private decoderInput(B: number) {
    const ids = new Int32Array(B).fill(this.config.t5.decoderStartTokenId);
    return tokenDecoderInput(this.core.parts, ids);
  }

  /**
   * The chain [input, encoder blocks…, bridge, decoder blocks…, decoder final norm, head] for a
   * batch with targets (input: `batch.patches`); runs with any checkpointing schedule.
   */
  stages(batch: BoltBatch): ModelStage[] {
    const g = this.geometry(batch);
    const t5 = this.core.parts;
    return [
      boltInputStage(this.parts, batch),
      ...t5EncoderStages(t5, g),
      t5BridgeStage(t5, g, this.decoderInput(batch.batchSize)),
      ...t5DecoderStages(t5, g),
      t5DecoderFinalNormStage(t5, g),
      boltHeadStage(this.parts, batch, this.lossOut),
    ];
  }

  /** The batch's loss (forward only, nothing kept). */
  loss(batch: BoltBatch): Promise<number> {
    return chainLoss(this.stages(batch), batch.patches);
  }

  /** Loss and gradients with every context kept; gradients accumulate, scaled by dLoss. */
  lossAndBackward(batch: BoltBatch, dLoss = 1): Promise<number> {
    return chainLossAndBackward(this.stages(batch), batch.patches, dLoss);
  }

  /** Quantile predictions [B·Q·H] of a batch in the series' units (`quantile_preds`), a new array. */
  async quantilePredictions(batch: BoltBatch): Promise<Float32Array> {
    const { batchSize: B, encoderLength: Te } = batch;
    const t5 = this.core.parts;
    const C = this.config.t5.dModel;
    const input = boltInputStage(this.parts, batch);
    const x = (await input.forward(batch.patches, { save: false, rng: () => 0.5 }))
      .output as Float32Array;
    const enc = await encodeEmbeddings(t5, x, batch.encoderMask, B, Te);
    t5.scratch.release(x);
    const start = new Float32Array(B * C);
    this.decoderInput(B).forward(start);
    const h = await decodeEmbeddings(t5, start, enc, batch.encoderMask, B, 1, Te);
    const QH = this.config.quantiles.length * this.config.predictionLength;
    const preds = await quantilePredictions(this.parts, h, new Float32Array(B * QH));
    return denormalizeRows(preds, batch.locScale, QH);
  }

  /**
   * Quantiles [B, Q, horizon] (flat) in the series' units of context rows (NaN = missing; rows of
   * different lengths are NaN-left-padded), as `ChronosBoltPipeline.predict`: past the prediction
   * length, every quantile path is fed back as a context and the Q·Q forecasts reduced to Q.
   */
  predict(contexts: readonly ArrayLike<number>[], horizon?: number): Promise<Float32Array> {
    return boltPredict(this, contexts, horizon ?? this.config.predictionLength);
  }
}
