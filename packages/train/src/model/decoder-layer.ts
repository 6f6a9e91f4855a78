// One Llama decoder layer (`LlamaDecoderLayer`) with explicit forward and backward, as two residual
// sublayers:
//   attention:  h = x + o_proj(attention(n₁)),   n₁ = RMSNorm(x)
//   mlp:        y = h + mlp(n₂),                 n₂ = RMSNorm(h)
// Each sublayer is one checkpointing stage (twice the choices a whole-layer stage gives the
// planner, at the cost of one more [N, C] boundary). Forward returns the output and, when asked, a
// context holding exactly what backward needs with its size in bytes: buffers a frozen projection
// does not need (the normed input of frozen MLP projections, say) are not kept.
// Legend: N rows, C hidden size.
import {
  type AttentionProjections,
  type SelfAttentionContext,
  selfAttentionBackward,
  selfAttentionForward,
  selfAttentionRebuild,
} from "./attention.js";
import type { LlamaConfig } from "./config.js";
import type { Geometry } from "./geometry.js";
import { holds } from "./held-bytes.js";
import type { MatmulBackend } from "./matmul.js";
import { type MlpContext, type MlpProjections, mlpBackward, mlpForward } from "./mlp.js";
import type { ProjectionOptions } from "./projection.js";
import {
  residualNormBackward,
  residualNormForward,
  type SublayerContext,
  type SublayerNorm,
} from "./residual-norm.js";
import { rmsNormForwardOn } from "./rms-norm.js";
import type { RotaryTables } from "./rotary.js";
import { allocatorOf, Scratch } from "./scratch.js";
import { type GatedActivation, swigluOn } from "./swiglu.js";

/** A layer's seven projections, by Llama module name. */
export type LayerProjections = AttentionProjections & MlpProjections;

export type AttentionSublayerContext = SublayerContext<SelfAttentionContext>;
export type MlpSublayerContext = SublayerContext<MlpContext>;

/** Both sublayers' contexts and inputs: what {@link DecoderLayer.backward} needs. */
export interface DecoderLayerContext {
  x: Float32Array;
  h: Float32Array;
  attention: AttentionSublayerContext;
  mlp: MlpSublayerContext;
  bytes: number;
}

/** Draws `n` dropout seeds from `rng` in a fixed order, so a recomputed forward replays the masks. */
export function seedOptions(
  rng: () => number,
  n: number,
  save: boolean,
): (i: number) => ProjectionOptions {
  const seeds = Array.from({ length: n }, () => Math.floor(rng() * 4294967296));
  return (i) => ({ save, dropoutSeed: seeds[i] });
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
    /** Runs attention's products (the projections carry their own). */
    readonly backend: MatmulBackend,
    readonly scratch: Scratch = new Scratch(allocatorOf(backend)),
  ) {
    this.gate = swigluOn(backend);
  }

  /** The MLP's SwiGLU, on the backend's fused op where it has one. */
  private readonly gate: GatedActivation;

  private norm(weight: Float32Array, grad: Float32Array | null): SublayerNorm {
    return { weight, grad, eps: this.config.rmsNormEps, backend: this.backend };
  }

  /** Runs `inner` on RMSNorm(x) and adds x back (see {@link residualNormForward}). */
  private sublayer<T extends { projections: unknown[] }>(
    x: Float32Array,
    norm: Float32Array,
    save: boolean,
    inner: (n: Float32Array) => Promise<{ output: Float32Array; context: T | null }>,
  ): Promise<{ output: Float32Array; context: SublayerContext<T> | null }> {
    const C = this.config.hiddenSize;
    return residualNormForward(x, this.norm(norm, null), C, this.scratch, save, inner);
  }

  /** Backward of a sublayer (see {@link residualNormBackward}). */
  private sublayerBackward<T>(
    ctx: SublayerContext<T>,
    x: Float32Array,
    dOutput: Float32Array,
    norm: Float32Array,
    normGrad: Float32Array | null,
    innerBackward: (inner: T, d: Float32Array) => Promise<Float32Array>,
  ): Promise<Float32Array> {
    const C = this.config.hiddenSize;
    const n = this.norm(norm, normGrad);
    return residualNormBackward(ctx, x, dOutput, n, C, this.scratch, innerBackward);
  }

  /**
   * h[N, C] = x + attention(RMSNorm(x)); the context when `save`; with `output` false only the
   * context (o_proj's product and the residual skipped); with `lean` a lean context (no normed
   * input, q, k, v: the backward rebuilds them). Draws 4 dropout seeds from `rng`.
   */
  attentionForward(
    x: Float32Array,
    geometry: Geometry,
    save: boolean,
    rng: () => number,
    output = true,
    lean = false,
  ) {
    const options = seedOptions(rng, 4, save);
    return this.sublayer(x, this.inputNorm, save, (n) =>
      selfAttentionForward(
        n,
        this.projections,
        this.config,
        this.rope,
        geometry,
        options,
        this.backend,
        this.scratch,
        save,
        output,
        lean,
      ),
    );
  }

  /** Accumulates the attention sublayer's gradients; returns dx[N, C]. */
  async attentionBackward(ctx: AttentionSublayerContext, x: Float32Array, dh: Float32Array) {
    if (!ctx.inner.q) {
      // A lean context: the normed input, q, k, v and their projections' contexts again.
      const C = this.config.hiddenSize;
      const n = this.scratch.acquire(x.length);
      const eps = this.config.rmsNormEps;
      await rmsNormForwardOn(this.backend, n, ctx.rstd, x, this.inputNorm, x.length / C, C, eps);
      await selfAttentionRebuild(
        ctx.inner,
        n,
        this.projections,
        this.config,
        this.rope,
        this.scratch,
      );
      if (ctx.inner.projections.some((c) => holds(c, n))) ctx.normed = n;
      else this.scratch.release(n);
    }
    return this.sublayerBackward(
      ctx,
      x,
      dh,
      this.inputNorm,
      this.normGrads?.input ?? null,
      (c, d) =>
        selfAttentionBackward(
          c,
          d,
          this.projections,
          this.config,
          this.rope,
          this.backend,
          this.scratch,
        ),
    );
  }

  /**
   * y[N, C] = h + mlp(RMSNorm(h)); the context when `save`; with `output` false only the context
   * (down_proj's product and the residual skipped). Draws 3 dropout seeds from `rng`.
   */
  mlpForward(h: Float32Array, save: boolean, rng: () => number, output = true) {
    const options = seedOptions(rng, 3, save);
    return this.sublayer(h, this.postNorm, save, (n) =>
      mlpForward(n, this.projections, options, this.scratch, save, output, this.gate),
    );
  }

  /** Accumulates the MLP sublayer's gradients; returns dh[N, C]. */
  mlpBackward(ctx: MlpSublayerContext, h: Float32Array, dy: Float32Array) {
    return this.sublayerBackward(ctx, h, dy, this.postNorm, this.normGrads?.post ?? null, (c, d) =>
      mlpBackward(c, d, this.projections, this.scratch, this.gate, this.backend),
    );
  }

  /** y[N, C] (pooled) for x[N, C] through both sublayers; the contexts when `save`. */
  async forward(
    x: Float32Array,
    geometry: Geometry,
    save: boolean,
    rng: () => number,
  ): Promise<{ output: Float32Array; context: DecoderLayerContext | null }> {
    const a = await this.attentionForward(x, geometry, save, rng);
    const h = a.output;
    const m = await this.mlpForward(h, save, rng);
    const y = m.output;
    if (!a.context || !m.context) {
      this.scratch.release(h);
      return { output: y, context: null };
    }
    const bytes = a.context.bytes + m.context.bytes + h.byteLength;
    return { output: y, context: { x, h, attention: a.context, mlp: m.context, bytes } };
  }

  /** Accumulates parameter gradients through both sublayers; returns dx[N, C]. */
  async backward(ctx: DecoderLayerContext, dOutput: Float32Array): Promise<Float32Array> {
    const dh = await this.mlpBackward(ctx.mlp, ctx.h, dOutput);
    const dx = await this.attentionBackward(ctx.attention, ctx.x, dh);
    this.scratch.release(dh, ctx.h);
    return dx;
  }
}
