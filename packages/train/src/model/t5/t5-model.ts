// The whole `T5ForConditionalGeneration` (Chronos's architecture): shared embedding, encoder,
// decoder with cross-attention, final norm, LM head (scaled by d_model^−0.5 when tied to the
// embedding) and the mean cross-entropy over labels ≠ −100. Weights live in one map under HF key
// names; the model exposes itself as the chain [embed, encoder blocks…, bridge, decoder blocks…,
// head] (see t5-stages.ts) and decodes with a KV cache (t5-cache.ts).
// Legend: B sequences, Te encoder / Td decoder positions, C hidden size, V vocabulary.
import { Linear } from "@kairos/lora";
import type { ParameterRef } from "../../train/adamw.js";
import { crossEntropyWorkspace, lossChunkRows } from "../chunked-cross-entropy.js";
import { type LmHead, retainFrozenHead } from "../lm-head.js";
import type { MatmulBackend } from "../matmul.js";
import type { Projection } from "../projection.js";
import { chainLoss, chainLossAndBackward } from "../run-chain.js";
import { allocatorOf, Scratch } from "../scratch.js";
import type { ModelStage } from "../stage.js";
import { checkSeq2SeqBatch, type Seq2SeqBatch } from "./seq2seq-batch.js";
import type { T5Geometry } from "./t5-block.js";
import { decodeStep, type T5DecoderCache, t5DecoderCache } from "./t5-cache.js";
import type { T5Config } from "./t5-config.js";
import {
  decodeEmbeddings,
  encodeEmbeddings,
  t5DecoderStages,
  t5EncoderStages,
} from "./t5-forward.js";
import { initT5Parameters, t5LinearShapes, t5ParameterShapes } from "./t5-parameters.js";
import type { T5Parts } from "./t5-parts.js";
import { t5BridgeStage, t5EmbedStage, t5LmHeadStage, tokenDecoderInput } from "./t5-stages.js";

/** Options of {@link T5Model}. */
export interface T5ModelOptions {
  backend: MatmulBackend;
  /** Allocate gradients for every weight (full fine-tuning, gradient checks). Default false. */
  trainable?: boolean;
  /** Rows per chunk of the cross-entropy (default {@link lossChunkRows} of the vocabulary). */
  lossChunkRows?: number;
}

/** Keys a T5 file may hold beside the model's own: aliases of `shared.weight`. */
export const T5_EMBED_ALIASES = ["encoder.embed_tokens.weight", "decoder.embed_tokens.weight"];

/**
 * A T5 encoder-decoder with explicit forward and backward over Float32Array weights.
 * @example
 * const model = T5Model.create(config, 0, { backend });
 * const loss = await model.lossAndBackward(batch); // with trainable: true, gradients in model.grads
 */
export class T5Model {
  /** Gradients by key, when trainable. */
  readonly grads: Map<string, Float32Array> | null;
  /** What the stages share (weights, linear modules by path, pool); LoRA swaps `parts.projections`. */
  readonly parts: T5Parts;
  /** The decoder final norm, LM head and loss. */
  readonly head: LmHead;

  constructor(
    readonly config: T5Config,
    readonly weights: Map<string, Float32Array>,
    readonly options: T5ModelOptions,
  ) {
    const shapes = t5ParameterShapes(config);
    for (const [key, shape] of shapes) {
      const w = weights.get(key);
      const n = shape.reduce((a, b) => a * b, 1);
      if (!w || w.length !== n) {
        throw new RangeError(
          `T5Model(): weight ${key} must have shape [${shape}], got ${w ? `${w.length} elements` : "none"}`,
        );
      }
    }
    this.grads = options.trainable
      ? new Map([...shapes].map(([k, s]) => [k, new Float32Array(s.reduce((a, b) => a * b, 1))]))
      : null;
    const projections: Record<string, Projection> = {};
    for (const [path, [outFeatures, inFeatures]] of t5LinearShapes(config)) {
      const key = `${path}.weight`;
      const weight = weights.get(key) as Float32Array;
      const gradWeight = this.grads?.get(key);
      projections[path] = new Linear(
        { inFeatures, outFeatures, weight, gradWeight },
        options.backend,
      );
    }
    const scratch = new Scratch(allocatorOf(options.backend));
    this.parts = {
      config,
      weights,
      grads: this.grads,
      projections,
      backend: options.backend,
      scratch,
      buckets: new Map(),
    };
    const headKey = config.tieWordEmbeddings ? "shared.weight" : "lm_head.weight";
    this.head = {
      norm: weights.get("decoder.final_layer_norm.weight") as Float32Array,
      normGrad: this.grads?.get("decoder.final_layer_norm.weight") ?? null,
      weight: weights.get(headKey) as Float32Array,
      weightGrad: this.grads?.get(headKey) ?? null,
      eps: config.layerNormEpsilon,
      scale: config.tieWordEmbeddings ? config.dModel ** -0.5 : 1,
      C: config.dModel,
      backend: options.backend,
      workspace: crossEntropyWorkspace(
        options.lossChunkRows ?? lossChunkRows(config.vocabSize),
        config.vocabSize,
        scratch,
      ),
      scratch,
      loss: new Float32Array(1),
    };
    retainFrozenHead(this.head);
  }

  /** A model with fresh seeded weights (normal std 0.05, norms 1). */
  static create(config: T5Config, seed: number, options: T5ModelOptions): T5Model {
    return new T5Model(config, initT5Parameters(config, seed), options);
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    if (this.grads) for (const g of this.grads.values()) g.fill(0);
  }

  /**
   * Every weight as a trainable parameter (full fine-tuning: the model is then a
   * `Trainable<Seq2SeqBatch>`); decay on matrices only. Throws unless built `trainable`.
   */
  parameters(): ParameterRef[] {
    const grads = this.grads;
    if (!grads)
      throw new RangeError(
        "T5Model.parameters(): the model must be built with trainable: true, got false",
      );
    return [...t5ParameterShapes(this.config)].map(([name, shape]) => ({
      name,
      value: this.weights.get(name) as Float32Array,
      grad: grads.get(name) as Float32Array,
      decay: shape.length >= 2 && !name.endsWith("relative_attention_bias.weight"),
    }));
  }

  /** The chain's input: the encoder token ids. */
  chainInput(batch: Seq2SeqBatch): Int32Array {
    return batch.inputIds;
  }

  /** The geometry the stages of `batch` share. */
  geometry(batch: Seq2SeqBatch): T5Geometry {
    return {
      batchSize: batch.batchSize,
      encoderLength: batch.encoderLength,
      decoderLength: batch.decoderLength,
      encoderMask: batch.attentionMask ?? null,
    };
  }

  /**
   * The chain [embed, encoder blocks…, bridge, decoder blocks…, head] for one batch (input:
   * `batch.inputIds`); runs with any checkpointing schedule.
   */
  stages(batch: Seq2SeqBatch): ModelStage[] {
    checkSeq2SeqBatch(batch, "T5Model.stages()");
    const g = this.geometry(batch);
    return [
      t5EmbedStage(this.parts),
      ...t5EncoderStages(this.parts, g),
      t5BridgeStage(this.parts, g, tokenDecoderInput(this.parts, batch.decoderInputIds)),
      ...t5DecoderStages(this.parts, g),
      t5LmHeadStage(this.parts, g, this.head, batch.labels),
    ];
  }

  /** Mean cross-entropy of a batch over labels ≠ −100 (forward only, nothing kept). */
  loss(batch: Seq2SeqBatch): Promise<number> {
    return chainLoss(this.stages(batch), batch.inputIds);
  }

  /** Loss and gradients with every context kept; gradients accumulate, scaled by dLoss. */
  lossAndBackward(
    batch: Seq2SeqBatch,
    dLoss = 1,
    rng?: (stage: number) => () => number,
  ): Promise<number> {
    return chainLossAndBackward(this.stages(batch), batch.inputIds, dLoss, rng);
  }

  /** Token ids [N] embedded with `shared.weight`: [N, C] (a new array). */
  embed(ids: Int32Array): Float32Array {
    const out = new Float32Array(ids.length * this.config.dModel);
    tokenDecoderInput(this.parts, ids).forward(out);
    return out;
  }

  /** The encoder's final-normed output [B·Te, C] of token ids [B·Te] and their mask. */
  encode(
    inputIds: Int32Array,
    attentionMask: Uint8Array | null,
    batchSize: number,
    encoderLength: number,
  ): Promise<Float32Array> {
    return encodeEmbeddings(
      this.parts,
      this.embed(inputIds),
      attentionMask,
      batchSize,
      encoderLength,
    );
  }

  /** Logits [R, V] of final-normed decoder states h [R, C]: the tied scaling, then `lm_head`. */
  async headLogits(h: Float32Array): Promise<Float32Array> {
    const { dModel: C, vocabSize: V } = this.config;
    const R = h.length / C;
    const out = new Float32Array(R * V);
    const alpha = this.head.scale ?? 1;
    await this.options.backend.matmul(h, this.head.weight, out, {
      m: R,
      n: V,
      k: C,
      transposeB: true,
      alpha,
    });
    return out;
  }

  /** Logits [B·Td, V] of a batch (teacher forcing on `decoderInputIds`), without the cache. */
  async logits(batch: Seq2SeqBatch): Promise<Float32Array> {
    checkSeq2SeqBatch(batch, "T5Model.logits()");
    const { batchSize: B, encoderLength: Te, decoderLength: Td } = batch;
    const mask = batch.attentionMask ?? null;
    const enc = await this.encode(batch.inputIds, mask, B, Te);
    const h = await decodeEmbeddings(
      this.parts,
      this.embed(batch.decoderInputIds),
      enc,
      mask,
      B,
      Td,
      Te,
    );
    return this.headLogits(h);
  }

  /**
   * A decoding cache over an encoder output enc [B·Te, C] (from {@link encode}) for up to
   * `maxLength` steps: cross-attention keys and values computed once, self-attention ones grown a
   * position a step. `copies` > 1 decodes that many sequences a source (each source's in a row).
   */
  decoderCache(
    enc: Float32Array,
    attentionMask: Uint8Array | null,
    batchSize: number,
    encoderLength: number,
    maxLength: number,
    copies = 1,
  ): Promise<T5DecoderCache> {
    return t5DecoderCache(
      this.parts,
      enc,
      attentionMask,
      batchSize,
      encoderLength,
      maxLength,
      copies,
    );
  }

  /** Logits [B, V] of the next position after feeding one token a sequence (`tokenIds` [B]). */
  async decodeStep(cache: T5DecoderCache, tokenIds: Int32Array): Promise<Float32Array> {
    return this.headLogits(await decodeStep(this.parts, cache, this.embed(tokenIds)));
  }
}
