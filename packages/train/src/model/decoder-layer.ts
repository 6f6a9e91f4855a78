// One Llama decoder layer (`LlamaDecoderLayer`) with explicit forward and backward:
//   h = x + o_proj(attention(n₁)),   n₁ = RMSNorm(x)
//   y = h + mlp(n₂),                 n₂ = RMSNorm(h)
// It is one checkpointing stage: forward returns its output and, when asked, a context holding
// exactly what backward needs, with its size in bytes.
// Legend: N rows, C hidden size.
import {
  type AttentionProjections,
  type SelfAttentionContext,
  selfAttentionBackward,
  selfAttentionForward,
} from "./attention.js";
import type { LlamaConfig } from "./config.js";
import type { Geometry } from "./geometry.js";
import { type MlpContext, type MlpProjections, mlpBackward, mlpForward } from "./mlp.js";
import type { ProjectionOptions } from "./projection.js";
import { rmsNormBackward, rmsNormForward } from "./rms-norm.js";
import type { RotaryTables } from "./rotary.js";
import { Scratch } from "./scratch.js";

/** A layer's seven projections, by Llama module name. */
export type LayerProjections = AttentionProjections & MlpProjections;

/** What {@link DecoderLayer.backward} needs. */
export interface DecoderLayerContext {
  x: Float32Array; // [N, C] input
  n1: Float32Array; // [N, C]
  rstd1: Float32Array; // [N]
  h: Float32Array; // [N, C]
  n2: Float32Array; // [N, C]
  rstd2: Float32Array; // [N]
  attention: SelfAttentionContext;
  mlp: MlpContext;
  /** Bytes this context holds beyond its input `x`. */
  bytes: number;
}

/** A decoder layer over shared weights; gradients accumulate into `grads` when they are given. */
export class DecoderLayer {
  constructor(
    readonly config: LlamaConfig,
    readonly projections: LayerProjections,
    readonly inputNorm: Float32Array,
    readonly postNorm: Float32Array,
    readonly rope: RotaryTables,
    readonly normGrads: { input: Float32Array; post: Float32Array } | null,
    readonly scratch: Scratch = new Scratch(),
  ) {}

  /**
   * y[N, C] for x[N, C]; the context when `save`. Each projection's dropout seed is drawn from
   * `rng` in a fixed order, so a recomputed forward replays the same masks.
   */
  async forward(
    x: Float32Array,
    geometry: Geometry,
    save: boolean,
    rng: () => number,
  ): Promise<{ output: Float32Array; context: DecoderLayerContext | null }> {
    const seeds = Array.from({ length: 7 }, () => Math.floor(rng() * 4294967296));
    const options = (i: number): ProjectionOptions => ({ save, dropoutSeed: seeds[i] });
    const C = this.config.hiddenSize;
    const N = x.length / C;
    const eps = this.config.rmsNormEps;
    const pool = this.scratch; // context buffers: given back after backward, or below
    const n1 = pool.acquire(N * C);
    const rstd1 = pool.acquire(N);
    rmsNormForward(n1, rstd1, x, this.inputNorm, N, C, eps);
    const a = await selfAttentionForward(
      n1,
      this.projections,
      this.config,
      this.rope,
      geometry,
      options,
      pool,
      save,
    );
    const h = a.output;
    for (let i = 0; i < h.length; i++) h[i] += x[i];
    const n2 = pool.acquire(N * C);
    const rstd2 = pool.acquire(N);
    rmsNormForward(n2, rstd2, h, this.postNorm, N, C, eps);
    const m = await mlpForward(n2, this.projections, options, pool, save);
    const y = m.output;
    for (let i = 0; i < y.length; i++) y[i] += h[i];
    if (!save) {
      pool.release(n1, rstd1, n2, rstd2);
      return { output: y, context: null };
    }
    const bytes = 4 * (3 * N * C + 2 * N) + a.context.bytes + m.context.bytes;
    return {
      output: y,
      context: { x, n1, rstd1, h, n2, rstd2, attention: a.context, mlp: m.context, bytes },
    };
  }

  /** Accumulates parameter gradients; returns dx[N, C]. */
  async backward(ctx: DecoderLayerContext, dOutput: Float32Array): Promise<Float32Array> {
    const C = this.config.hiddenSize;
    const N = ctx.x.length / C;
    const g = this.normGrads;
    const dn2 = await mlpBackward(ctx.mlp, dOutput, this.projections, this.scratch);
    const dh = Float32Array.from(dOutput);
    rmsNormBackward(dh, g ? g.post : null, dn2, ctx.h, this.postNorm, ctx.rstd2, N, C);
    const dn1 = await selfAttentionBackward(
      ctx.attention,
      dh,
      this.projections,
      this.config,
      this.rope,
      this.scratch,
    );
    const dx = dh; // the residual path carries dh through unchanged
    rmsNormBackward(dx, g ? g.input : null, dn1, ctx.x, this.inputNorm, ctx.rstd1, N, C);
    this.scratch.release(ctx.n1, ctx.rstd1, ctx.n2, ctx.rstd2);
    return dx;
  }
}
