// The whole `LlamaForCausalLM`: embedding, decoder layers, final RMSNorm, LM head, loss. Weights
// live in one map under Hugging Face key names; the model exposes itself as a chain of stages
// [embed, layer₀.attention, layer₀.mlp, …, norm+head+loss] for the checkpointing executor.
// Legend: N rows (B·T tokens), C hidden size, V vocabulary.
import { Linear } from "@kairos/lora";
import { checkBatch, type TokenBatch } from "./batch.js";
import { crossEntropyWorkspace, lossChunkRows } from "./chunked-cross-entropy.js";
import { headDim, type LlamaConfig } from "./config.js";
import {
  type AttentionSublayerContext,
  DecoderLayer,
  type MlpSublayerContext,
} from "./decoder-layer.js";
import { embeddingBackward, embeddingForward } from "./embedding.js";
import type { Geometry } from "./geometry.js";
import {
  type LmHead,
  type LmHeadContext,
  lmHeadBackward,
  lmHeadForward,
  retainFrozenHead,
} from "./lm-head.js";
import type { MatmulBackend } from "./matmul.js";
import {
  initParameters,
  LINEAR_MODULES,
  type LinearModule,
  modulePath,
  parameterShapes,
} from "./parameters.js";
import { rmsNormForward } from "./rms-norm.js";
import { rotaryTables } from "./rotary.js";
import { chainLoss, chainLossAndBackward } from "./run-chain.js";
import { allocatorOf, Scratch } from "./scratch.js";
import { type ModelStage, noRandom } from "./stage.js";

/** What the embedding stage returns as the gradient of token ids: nothing. */
const NO_GRADIENT = new Float32Array(0);

/**
 * A sublayer's output for the executor: undefined after a context forward, whose projections
 * return an empty output (a real one never is: a batch has rows).
 */
const built = (output: Float32Array) => (output.length === 0 ? undefined : output);

/** Options of {@link LlamaModel}. */
export interface LlamaModelOptions {
  backend: MatmulBackend;
  /** Allocate gradients for every weight (pretraining, full fine-tuning). Default false. */
  trainable?: boolean;
  /**
   * Rows per chunk of the cross-entropy. Default: as many as fill 2^21 logits (8 MB), at least
   * 128 (see {@link lossChunkRows}).
   */
  lossChunkRows?: number;
}

/** A Llama causal LM with explicit forward and backward over Float32Array weights. */
export class LlamaModel {
  readonly layers: DecoderLayer[] = [];
  /** Gradients by key, when trainable. */
  readonly grads: Map<string, Float32Array> | null;
  /**
   * Backward temporaries shared by all layers (they run one at a time), reused across steps;
   * from the backend's `allocate` when it has one (the wasm one's kernels use those in place).
   */
  readonly scratch: Scratch;
  /** The final norm, LM head and loss stage. */
  readonly head: LmHead;

  constructor(
    readonly config: LlamaConfig,
    readonly weights: Map<string, Float32Array>,
    readonly options: LlamaModelOptions,
  ) {
    this.scratch = new Scratch(allocatorOf(options.backend));
    const shapes = parameterShapes(config);
    for (const [key, shape] of shapes) {
      const w = weights.get(key);
      const n = shape.reduce((a, b) => a * b, 1);
      if (!w || w.length !== n) {
        throw new RangeError(
          `LlamaModel(): weight ${key} must have shape [${shape}], got ${w ? `${w.length} elements` : "none"}`,
        );
      }
    }
    this.grads = options.trainable
      ? new Map([...shapes].map(([k, s]) => [k, new Float32Array(s.reduce((a, b) => a * b, 1))]))
      : null;
    const rope = rotaryTables(headDim(config), config.maxPositionEmbeddings, config.ropeTheta);
    for (let l = 0; l < config.numHiddenLayers; l++) {
      // Frozen, or trainable accumulating into this model's gradient map.
      const projections = {} as Record<LinearModule, Linear>;
      for (const m of LINEAR_MODULES) {
        const key = `${modulePath(l, m)}.weight`;
        const [outFeatures, inFeatures] = shapes.get(key) as number[];
        const weight = weights.get(key) as Float32Array;
        const gradWeight = this.grads?.get(key);
        projections[m] = new Linear(
          { inFeatures, outFeatures, weight, gradWeight },
          options.backend,
        );
      }
      const pre = `model.layers.${l}.`;
      const g = this.grads;
      this.layers.push(
        new DecoderLayer(
          config,
          projections,
          weights.get(`${pre}input_layernorm.weight`) as Float32Array,
          weights.get(`${pre}post_attention_layernorm.weight`) as Float32Array,
          rope,
          g
            ? {
                input: g.get(`${pre}input_layernorm.weight`) as Float32Array,
                post: g.get(`${pre}post_attention_layernorm.weight`) as Float32Array,
              }
            : null,
          options.backend,
          this.scratch,
        ),
      );
    }
    this.head = {
      norm: weights.get("model.norm.weight") as Float32Array,
      normGrad: this.grads?.get("model.norm.weight") ?? null,
      weight: weights.get(this.headKey) as Float32Array,
      weightGrad: this.grads?.get(this.headKey) ?? null,
      eps: config.rmsNormEps,
      C: config.hiddenSize,
      backend: options.backend,
      workspace: crossEntropyWorkspace(
        options.lossChunkRows ?? lossChunkRows(config.vocabSize),
        config.vocabSize,
        this.scratch,
      ),
      scratch: this.scratch,
      loss: new Float32Array(1),
    };
    retainFrozenHead(this.head);
  }

  /** A model with fresh seeded weights (normal std 0.02, norms 1). */
  static create(config: LlamaConfig, seed: number, options: LlamaModelOptions): LlamaModel {
    return new LlamaModel(config, initParameters(config, seed), options);
  }

  private get headKey(): string {
    return this.config.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    if (this.grads) for (const g of this.grads.values()) g.fill(0);
  }

  /** The chain [embed, (attention, mlp) per layer…, head+loss] for one batch; runs with any checkpointing schedule. */
  stages(batch: TokenBatch): ModelStage[] {
    checkBatch(batch, "LlamaModel.stages()");
    const geometry: Geometry = {
      batchSize: batch.batchSize,
      seqLen: batch.seqLen,
      keyMask: batch.keyMask ?? null,
    };
    const C = this.config.hiddenSize;
    // Outputs and input gradients come from the pool; the executor hands them back (`release`),
    // all but the head's `[loss]`, which it owns.
    const pooled = {
      memory: this.scratch,
      release: (value: Float32Array) => {
        if (value !== this.head.loss) this.scratch.release(value);
      },
    };
    const embed: ModelStage = {
      name: "embed",
      ...pooled,
      forward: async (input, { save, output }) => {
        if (output === false) return { output: undefined, context: { bytes: 0 } }; // no context
        const out = this.scratch.acquire(input.length * C);
        const table = this.weights.get("model.embed_tokens.weight") as Float32Array;
        embeddingForward(out, table, input as Int32Array, C);
        return { output: out, context: save ? { bytes: 0 } : undefined };
      },
      backward: async (_context, input, dOutput) => {
        const g = this.grads?.get("model.embed_tokens.weight");
        if (g) embeddingBackward(g, dOutput, input as Int32Array, C);
        return NO_GRADIENT;
      },
    };
    const layers: ModelStage[] = this.layers.flatMap((layer, i) => [
      {
        name: `layer${i}.attention`,
        ...pooled,
        forward: async (input, { save, rng, output, lean }) => {
          const x = input as Float32Array;
          const f = await layer.attentionForward(x, geometry, save, rng, output ?? true, lean);
          return { output: built(f.output), context: f.context ?? undefined };
        },
        backward: (context, input, dOutput) =>
          layer.attentionBackward(
            context as AttentionSublayerContext,
            input as Float32Array,
            dOutput,
          ),
      },
      {
        name: `layer${i}.mlp`,
        ...pooled,
        forward: async (input, { save, rng, output }) => {
          const f = await layer.mlpForward(input as Float32Array, save, rng, output ?? true);
          return { output: built(f.output), context: f.context ?? undefined };
        },
        backward: (context, input, dOutput) =>
          layer.mlpBackward(context as MlpSublayerContext, input as Float32Array, dOutput),
      },
    ]);
    const head: ModelStage = {
      name: "head",
      ...pooled,
      forward: (input, { save }) =>
        lmHeadForward(this.head, input as Float32Array, batch.labels, save),
      backward: (context, _input, dOutput) =>
        lmHeadBackward(this.head, context as LmHeadContext, batch.labels, dOutput[0]),
    };
    return [embed, ...layers, head];
  }

  /** Mean next-token loss of a batch (forward only, nothing kept). */
  loss(batch: TokenBatch): Promise<number> {
    return chainLoss(this.stages(batch), batch.ids);
  }

  /**
   * Loss and gradients with every context kept (no recomputation); gradients accumulate, scaled
   * by dLoss. `rng(stage)` gives each stage its random stream (dropout), as the executor does.
   */
  lossAndBackward(
    batch: TokenBatch,
    dLoss = 1,
    rng?: (stage: number) => () => number,
  ): Promise<number> {
    return chainLossAndBackward(this.stages(batch), batch.ids, dLoss, rng);
  }

  /** Hidden states `[ids.length, C]` of token ids: the embedding lookup. */
  embed(ids: Int32Array): Float32Array {
    const C = this.config.hiddenSize;
    const x = new Float32Array(ids.length * C);
    embeddingForward(x, this.weights.get("model.embed_tokens.weight") as Float32Array, ids, C);
    return x;
  }

  /** Logits `[R, V]` of final hidden states h[R, C]: final RMSNorm, then the LM head. */
  async headLogits(h: Float32Array): Promise<Float32Array> {
    const [C, V] = [this.config.hiddenSize, this.config.vocabSize];
    const R = h.length / C;
    const hn = new Float32Array(R * C);
    const norm = this.weights.get("model.norm.weight") as Float32Array;
    rmsNormForward(hn, new Float32Array(R), h, norm, R, C, this.config.rmsNormEps);
    const out = new Float32Array(R * V);
    const head = this.weights.get(this.headKey) as Float32Array;
    await this.options.backend.matmul(hn, head, out, { m: R, n: V, k: C, transposeB: true });
    return out;
  }

  /**
   * Logits `[rows.length, V]` at the given flat row indices (e.g. each sequence's last position)
   * for ids `[batchSize · seqLen]`; the full [N, V] logits are never formed.
   */
  async logits(
    ids: Int32Array,
    batchSize: number,
    seqLen: number,
    rows: number[],
    keyMask?: Uint8Array,
  ): Promise<Float32Array> {
    const C = this.config.hiddenSize;
    const geometry: Geometry = { batchSize, seqLen, keyMask: keyMask ?? null };
    const x = this.embed(ids);
    let h: Float32Array = x;
    for (const layer of this.layers) {
      const next = (await layer.forward(h, geometry, false, noRandom)).output;
      if (h !== x) this.scratch.release(h);
      h = next;
    }
    const sel = new Float32Array(rows.length * C);
    for (let i = 0; i < rows.length; i++) sel.set(h.subarray(rows[i] * C, rows[i] * C + C), i * C);
    return this.headLogits(sel);
  }
}
